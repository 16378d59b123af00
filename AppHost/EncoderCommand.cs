namespace CmafOrigin.AppHost;

/// <summary>
/// The ffmpeg arguments of a low-latency DASH push, in the shape measured against this origin (field notes):
/// chunked CMAF over HTTP PUT, 2 s segments of 0.5 s fragments, a 1.5 s latency target, clock from delivery's /time.
/// Grouped in lines, so the banner can print them readably.
/// </summary>
internal static class EncoderCommand
{
    public const string ChannelPath = "/live/demo/out.mpd";

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

    /// <summary>The DASH muxer's options and the target URL.</summary>
    public static IReadOnlyList<string[]> DashOutput(Wiring wiring) =>
    [
        ["-f", "dash", "-seg_duration", "2", "-frag_duration", "0.5", "-frag_type", "duration"],
        ["-streaming", "1", "-ldash", "1", "-window_size", "3", "-extra_window_size", "3", "-remove_at_exit", "1"],
        ["-use_timeline", "0", "-use_template", "1", "-method", "PUT", "-http_persistent", "1", "-index_correction", "1"],
        ["-utc_timing_url", $"{Wiring.Origin(wiring.DeliveryUrl)}/time", "-target_latency", "1.5"],
        ["-adaptation_sets", "id=0,streams=v id=1,streams=a"],
        [PublishUrl(wiring)],
    ];

    /// <summary>Where the encoder PUTs the manifest, with the ingest credential in the URL (ffmpeg sends it as HTTP Basic).</summary>
    public static string PublishUrl(Wiring wiring) => wiring.IngestCredential.In(new Uri(ManifestUrl(wiring.IngestUrl))).AbsoluteUri;

    public static string ManifestUrl(Uri baseUrl) => Wiring.Origin(baseUrl) + ChannelPath;
}
