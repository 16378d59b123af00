using System.CommandLine;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;
using CmafOrigin.Originctl.Output;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl channel live/demo</c>: one channel and its tracks.</summary>
internal static class ChannelCommand
{
    public static Command Create(ControlOptions options)
    {
        var name = new Argument<string>("name") { Description = "The channel: its directory (live/demo) or its manifest's path; / for the root" };
        var command = new Command("channel", "Show one channel and its tracks") { name };
        command.SetAction((parse, cancellationToken) =>
        {
            var channelName = ChannelNames.Normalize(parse.GetValue(name)!);
            return options.RunAsync(parse, async (control, output, ct) =>
            {
                var channel = await control.Catalog.GetChannelAsync(new GetChannelRequest { Name = channelName }, control.Call(ct));
                Write(channel, output, DateTimeOffset.UtcNow);
                return ExitCodes.Ok;
            }, channelName, cancellationToken);
        });
        return command;
    }

    internal static void Write(Channel channel, TextWriter output, DateTimeOffset now)
    {
        var summary = new Table("FIELD", "VALUE");
        summary.Add("Channel", channel.Name);
        summary.Add("State", Names.Of(channel.State));
        summary.Add("Manifest", channel.Manifest);
        summary.Add("Latest segment", Units.Number(channel.LatestSegmentNumber));
        summary.Add("Ingest", Units.BitRate(channel.IngestBitrateBps));
        summary.Add("Viewers", Units.Number(channel.Viewers));
        summary.Add("Started", Units.Time(channel.StartedAt));
        summary.Add("Last activity", $"{Units.Time(channel.LastActivityAt)} ({Units.Ago(channel.LastActivityAt, now)})");
        summary.WriteTo(output);
        output.WriteLine();

        if (channel.Tracks.Count == 0)
        {
            output.WriteLine("No tracks known yet.");
            return;
        }

        var tracks = new Table("TRACK", "TYPE", "CODECS", "BANDWIDTH", "SIZE", "SEGMENT").AlignRight(3, 5);
        foreach (var track in channel.Tracks)
        {
            tracks.Add(
                track.Id,
                track.ContentType,
                track.Codecs,
                Units.BitRate(track.Bandwidth),
                track.Width > 0 ? $"{track.Width}x{track.Height}" : "-",
                Units.Number(track.LatestSegmentNumber));
        }

        tracks.WriteTo(output);
    }
}
