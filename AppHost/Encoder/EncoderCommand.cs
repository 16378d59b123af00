namespace CmafOrigin.AppHost.Encoder;

/// <summary>
/// The ffmpeg arguments of a low-latency DASH push, in the shape measured against this origin (field notes):
/// chunked CMAF over HTTP PUT, 2 s segments of 0.5 s fragments, a 1.5 s latency target, clock from Delivery's /time.
/// Grouped in lines, so the banner can print them readably.
/// </summary>
internal static class EncoderCommand
{
    /// <summary>The demo encoder's channel.</summary>
    public const string DemoManifestPath = "/live/demo/out.mpd";

    /// <summary>The channel the banner's push command suggests: not the demo's, so following it never puts two encoders on one channel.</summary>
    public const string ExampleManifestPath = "/live/studio/out.mpd";

    /// <summary>Input: a moving test pattern and a tone, in real time.</summary>
    public static IReadOnlyList<string[]> TestSourceInputs(string videoSize) =>
    [
        ["-re", "-f", "lavfi", "-i", $"testsrc2=size={videoSize}:rate=30"],
        ["-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"],
    ];

    /// <summary>
    /// Codec settings shared by every video rendition: a keyframe exactly every 2 s (60 frames at 30 fps)
    /// so that every segment starts on one, and no encoder lookahead that would add latency.
    /// </summary>
    public static string[] VideoCodec =>
        ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"];

    public static string[] AudioCodec => ["-c:a", "aac", "-b:a", "64k"];

    /// <summary>The DASH muxer's options, up to (not including) the target URL.</summary>
    public static IReadOnlyList<string[]> DashOptions(Uri delivery) =>
    [
        ["-f", "dash", "-seg_duration", "2", "-frag_duration", "0.5", "-frag_type", "duration"],
        ["-streaming", "1", "-ldash", "1", "-window_size", "3", "-extra_window_size", "3", "-remove_at_exit", "1"],
        ["-use_timeline", "0", "-use_template", "1", "-method", "PUT", "-http_persistent", "1", "-index_correction", "1"],
        ["-utc_timing_url", new Uri(delivery, "/time").AbsoluteUri, "-target_latency", "1.5"],
        ["-adaptation_sets", "id=0,streams=v id=1,streams=a"],
    ];

    /// <summary>A one-rendition push of the test source to <paramref name="publishUrl"/>: what the banner prints.</summary>
    public static IReadOnlyList<string[]> ExamplePush(Uri publishUrl, Uri delivery) =>
    [
        ["ffmpeg"],
        .. TestSourceInputs("640x360"),
        [.. VideoCodec, "-b:v", "1000k"],
        AudioCodec,
        .. DashOptions(delivery),
        [publishUrl.AbsoluteUri],
    ];

    /// <summary>
    /// The demo: two video renditions (640x360 and 384x216, 30 fps, sized for two CPU cores) and one audio track.
    /// </summary>
    public static IEnumerable<string> DemoArguments(Uri publishUrl, Uri delivery) =>
    [
        // Warnings only: at info level the DASH muxer logs every upload it opens.
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning",
        .. TestSourceInputs("640x360").SelectMany(line => line),
        // 384x216, not 426x240: exactly 16:9 with square pixels, and the DASH muxer refuses
        // renditions of one adaptation set whose aspect ratios differ even slightly.
        "-filter_complex", "[0:v]split=2[v360][v];[v]scale=384:216[v216]",
        "-map", "[v360]", "-map", "[v216]", "-map", "1:a",
        .. VideoCodec, "-pix_fmt", "yuv420p",
        "-b:v:0", "800k", "-b:v:1", "400k",
        .. AudioCodec,
        .. DashOptions(delivery).SelectMany(line => line),
        publishUrl.AbsoluteUri,
    ];
}
