using System.Globalization;

namespace CmafOrigin.TestSupport;

/// <summary>
/// ffmpeg as the live encoder: a lavfi test picture and tone, encoded to low-latency chunked CMAF and
/// pushed to Ingest with the DASH muxer, in the shape of the command in shared/notes/field-notes.md
/// (PUT with chunked transfer, one long request per segment carrying one HTTP chunk per fragment).
/// </summary>
public sealed class FfmpegEncoder : IAsyncDisposable
{
    private FfmpegEncoder(FfmpegProcess process, string channel, FfmpegEncoderSettings settings)
    {
        Process = process;
        Channel = channel;
        Settings = settings;
    }

    public FfmpegProcess Process { get; }

    /// <summary>The channel it publishes to, e.g. <c>live/test-1234abcd</c>.</summary>
    public string Channel { get; }

    public FfmpegEncoderSettings Settings { get; }

    /// <summary>The manifest's path on the origin, with leading slash.</summary>
    public string ManifestPath => $"/{Channel}/out.mpd";

    /// <summary>The path of media segment <paramref name="number"/> of DASH stream <paramref name="stream"/> (videos first, audio last).</summary>
    public string SegmentPath(int stream, long number) =>
        $"/{Channel}/chunk-stream{stream.ToString(CultureInfo.InvariantCulture)}-{number.ToString("D5", CultureInfo.InvariantCulture)}.m4s";

    /// <summary>The path of the init segment of DASH stream <paramref name="stream"/>.</summary>
    public string InitPath(int stream) => $"/{Channel}/init-stream{stream.ToString(CultureInfo.InvariantCulture)}.m4s";

    /// <summary>Starts encoding and pushing <paramref name="channel"/> to <paramref name="ingest"/>.</summary>
    /// <param name="ingest">Ingest's base address.</param>
    /// <param name="channel">Channel path without leading slash, e.g. from <see cref="TestPaths.Channel"/>.</param>
    /// <param name="utcTiming">What the MPD names as its UTCTiming source (a player's clock reference).</param>
    /// <param name="settings">Renditions and duration; <see cref="FfmpegEncoderSettings.Default"/> when null.</param>
    public static FfmpegEncoder Start(Uri ingest, string channel, Uri utcTiming, FfmpegEncoderSettings? settings = null)
    {
        settings ??= FfmpegEncoderSettings.Default;
        var manifest = new Uri(ingest, $"/{channel}/out.mpd");
        return new FfmpegEncoder(FfmpegProcess.Start(Arguments(manifest, utcTiming, settings)), channel, settings);
    }

    /// <summary>The ffmpeg arguments for a push of the test source to <paramref name="manifest"/>.</summary>
    public static IReadOnlyList<string> Arguments(Uri manifest, Uri utcTiming, FfmpegEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(utcTiming);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Video.Count == 0)
        {
            throw new ArgumentException("at least one video rendition is needed", nameof(settings));
        }

        var largest = settings.Video[0];
        // The duration caps every input, so an encoder orphaned by a crashed test host still ends by itself.
        var seconds = settings.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var fps = settings.FrameRate.ToString(CultureInfo.InvariantCulture);
        List<string> args =
        [
            "-hide_banner", "-nostats", "-loglevel", "warning",
            // -re is a per-input option: both sources run at real time, as a camera and a microphone would.
            "-re", "-t", seconds, "-f", "lavfi", "-i", $"testsrc2=size={largest.Width}x{largest.Height}:rate={fps}",
            "-re", "-t", seconds, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        ];
        foreach (var _ in settings.Video)
        {
            args.AddRange(["-map", "0:v"]);
        }

        args.AddRange(["-map", "1:a"]);
        for (var i = 0; i < settings.Video.Count; i++)
        {
            var video = settings.Video[i];
            var index = i.ToString(CultureInfo.InvariantCulture);
            args.AddRange([$"-s:v:{index}", $"{video.Width}x{video.Height}", $"-b:v:{index}", $"{video.KilobitsPerSecond}k"]);
        }

        var gop = (settings.FrameRate * 2).ToString(CultureInfo.InvariantCulture);
        var window = settings.WindowSize.ToString(CultureInfo.InvariantCulture);
        args.AddRange(
        [
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
            "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
            "-threads", settings.EncoderThreads.ToString(CultureInfo.InvariantCulture),
            "-c:a", "aac", "-b:a", "64k",
            "-f", "dash", "-seg_duration", "2", "-frag_duration", "0.5", "-frag_type", "duration",
            "-streaming", "1", "-ldash", "1", "-window_size", window, "-extra_window_size", window, "-remove_at_exit", "1",
            "-use_timeline", "0", "-use_template", "1", "-method", "PUT", "-http_persistent", "1", "-index_correction", "1",
            "-target_latency", "1.5", "-utc_timing_url", utcTiming.AbsoluteUri,
            "-adaptation_sets", "id=0,streams=v id=1,streams=a",
        ]);
        if (settings.Authorization is { } authorization)
        {
            // The DASH muxer takes no -headers of its own: header options reach its HTTP uploads through
            // -http_opts, a dictionary in which ':' and backslashes are escaped.
            var escaped = $"Authorization: {authorization}".Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
            args.AddRange(["-http_opts", $"headers={escaped}"]);
        }

        if (settings.IgnoreIoErrors)
        {
            args.AddRange(["-ignore_io_errors", "1"]);
        }

        args.Add(manifest.AbsoluteUri);
        return args;
    }

    /// <summary>Stops it like a user pressing <c>q</c>: it ends the stream and DELETEs what it published (<c>remove_at_exit</c>).</summary>
    public Task<int> StopAsync(CancellationToken cancellationToken) => Process.StopAsync(TimeSpan.FromSeconds(15), cancellationToken);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
