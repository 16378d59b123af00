using System.Globalization;

namespace CmafOrigin.TestSupport;

/// <summary>
/// ffmpeg pushing the seed's kind of ladder: several video renditions in one adaptation set and several
/// audio renditions in the other. Otherwise exactly the push of <see cref="FfmpegEncoder"/> (2 s segments of
/// 0.5 s chunks, target latency 1.5 s, clock from Delivery's /time), whose arguments it extends.
/// </summary>
public sealed class FfmpegLadderEncoder : IAsyncDisposable
{
    private FfmpegLadderEncoder(FfmpegProcess process, string channel)
    {
        Process = process;
        Channel = channel;
    }

    public FfmpegProcess Process { get; }

    public string Channel { get; }

    /// <summary>The manifest's path on the origin, with leading slash.</summary>
    public string ManifestPath => $"/{Channel}/out.mpd";

    /// <summary>Starts encoding <paramref name="settings"/>' video renditions and one AAC rendition per entry of <paramref name="audioKilobitsPerSecond"/>.</summary>
    public static FfmpegLadderEncoder Start(
        Uri ingest, string channel, Uri utcTiming, FfmpegEncoderSettings settings, IReadOnlyList<int> audioKilobitsPerSecond)
    {
        var manifest = new Uri(ingest, $"/{channel}/out.mpd");
        return new FfmpegLadderEncoder(FfmpegProcess.Start(Arguments(manifest, utcTiming, settings, audioKilobitsPerSecond)), channel);
    }

    /// <summary><see cref="FfmpegEncoder.Arguments"/> with the audio input mapped once per audio rendition, each at its own bitrate.</summary>
    public static IReadOnlyList<string> Arguments(
        Uri manifest, Uri utcTiming, FfmpegEncoderSettings settings, IReadOnlyList<int> audioKilobitsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(audioKilobitsPerSecond);
        if (audioKilobitsPerSecond.Count == 0)
        {
            throw new ArgumentException("at least one audio rendition is needed", nameof(audioKilobitsPerSecond));
        }

        var args = FfmpegEncoder.Arguments(manifest, utcTiming, settings).ToList();
        var audioMap = IndexOfPair(args, "-map", "1:a");
        for (var i = 1; i < audioKilobitsPerSecond.Count; i++)
        {
            args.InsertRange(audioMap + 2, ["-map", "1:a"]);
        }

        // After the common "-b:a": a stream-specific option given later wins for its stream.
        var audioBitrate = args.IndexOf("-b:a") is var common and >= 0
            ? common + 2
            : throw new InvalidOperationException("FfmpegEncoder's arguments no longer contain \"-b:a\"");
        for (var i = audioKilobitsPerSecond.Count - 1; i >= 0; i--)
        {
            args.InsertRange(audioBitrate, [
                $"-b:a:{i.ToString(CultureInfo.InvariantCulture)}",
                $"{audioKilobitsPerSecond[i].ToString(CultureInfo.InvariantCulture)}k",
            ]);
        }

        return args;
    }

    /// <summary>Stops it like a user pressing <c>q</c>; it ends the stream and DELETEs what it published.</summary>
    public Task<int> StopAsync(CancellationToken cancellationToken) => Process.StopAsync(TimeSpan.FromSeconds(15), cancellationToken);

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static int IndexOfPair(List<string> args, string option, string value)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == option && args[i + 1] == value)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"FfmpegEncoder's arguments no longer contain \"{option} {value}\"");
    }
}
