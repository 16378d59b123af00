using System.CommandLine;
using System.Globalization;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;
using CmafOrigin.Originctl.Output;
using Grpc.Core;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl watch [live/demo]</c>: channel and segment events as they happen, until Ctrl+C.</summary>
internal static class WatchCommand
{
    public static Command Create(ControlOptions options)
    {
        var name = new Argument<string?>("name")
        {
            Description = "Only this channel's events (default: every channel)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("watch", "Print channel and segment events as they happen, until Ctrl+C") { name };
        command.SetAction((parse, cancellationToken) =>
        {
            var channelName = parse.GetValue(name) is { } given ? ChannelNames.Normalize(given) : string.Empty;
            return options.RunAsync(parse, async (control, output, ct) =>
            {
                using var call = control.Catalog.WatchChannels(new WatchChannelsRequest { Channel = channelName }, control.Stream(ct));
                // The response headers arrive once the server has subscribed: say so, then every event on its line.
                await call.ResponseHeadersAsync;
                output.WriteLine(channelName.Length == 0 ? "Watching every channel (Ctrl+C to stop)" : $"Watching {channelName} (Ctrl+C to stop)");
                await output.FlushAsync(ct);
                await foreach (var channelEvent in call.ResponseStream.ReadAllAsync(ct))
                {
                    output.WriteLine(Line(channelEvent));
                    await output.FlushAsync(ct);
                }

                await parse.InvocationConfiguration.Error.WriteLineAsync("originctl: the control plane ended the stream.");
                return ExitCodes.Failed;
            }, channelName.Length == 0 ? null : channelName, cancellationToken);
        });
        return command;
    }

    /// <summary><c>22:31:50.123  live/demo  segment-completed  track 0  #42  live/demo/chunk-stream0-00042.m4s  251.0 KiB</c></summary>
    internal static string Line(ChannelEvent channelEvent)
    {
        var parts = new List<string>
        {
            channelEvent.At is null ? "--:--:--.---" : channelEvent.At.ToDateTimeOffset().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
            channelEvent.Channel,
            Names.Of(channelEvent.Kind),
        };
        if (channelEvent.Track.Length > 0)
        {
            parts.Add($"track {channelEvent.Track}");
        }

        if (channelEvent.SegmentNumber > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"#{channelEvent.SegmentNumber}"));
        }

        if (channelEvent.Path.Length > 0)
        {
            parts.Add(channelEvent.Path);
        }

        if (channelEvent.Kind is ChannelEventKind.SegmentCompleted or ChannelEventKind.SegmentAborted)
        {
            parts.Add(Units.Bytes(channelEvent.Size));
        }

        return Printable.Of(string.Join("  ", parts));
    }
}
