using System.CommandLine;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;
using CmafOrigin.Originctl.Output;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl channels</c>: every channel, one line each.</summary>
internal static class ChannelsCommand
{
    public static Command Create(ControlOptions options)
    {
        var command = new Command("channels", "List the channels: state, tracks, latest segment, ingest bitrate, viewers");
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, async (control, output, ct) =>
        {
            var response = await control.Catalog.ListChannelsAsync(new ListChannelsRequest(), control.Call(ct));
            if (response.Channels.Count == 0)
            {
                output.WriteLine("No channels.");
                return ExitCodes.Ok;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("CHANNEL", "STATE", "TRACKS", "SEGMENT", "INGEST", "VIEWERS", "STARTED", "LAST ACTIVITY").AlignRight(2, 3, 4, 5);
            foreach (var channel in response.Channels)
            {
                table.Add(
                    channel.Name,
                    Names.Of(channel.State),
                    Units.Number(channel.Tracks.Count),
                    Units.Number(channel.LatestSegmentNumber),
                    Units.BitRate(channel.IngestBitrateBps),
                    Units.Number(channel.Viewers),
                    Units.Time(channel.StartedAt),
                    Units.Ago(channel.LastActivityAt, now));
            }

            table.WriteTo(output);
            return ExitCodes.Ok;
        }, channel: null, cancellationToken));
        return command;
    }
}
