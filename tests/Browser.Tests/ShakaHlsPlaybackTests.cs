using System.Globalization;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// The LL-HLS Delivery generates from an ffmpeg LL-DASH push (two video renditions and audio, 2 s segments of 0.5 s
/// chunks), played by Shaka Player (npm, <c>streaming.lowLatencyMode</c>) through /player?player=shaka in headless Chromium.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class ShakaHlsPlaybackTests(RedisServer redis, Chromium chromium)
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Recorded = TimeSpan.FromSeconds(25);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Shaka_PlaysTheGeneratedLowLatencyHls_For20Seconds_WithoutStallsOrErrors()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"));
        await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, TimeSpan.FromSeconds(30), Cancellation);

        var playlist = new Uri(origin.DeliveryUri, $"/{encoder.Channel}/out.m3u8");
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player?player=shaka&src=" + Uri.EscapeDataString(playlist.AbsoluteUri)));
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(30), Cancellation);
        var before = playback.Responses.Count;
        var report = await playback.RecordAsync(Recorded, Cancellation);
        var during = playback.Responses.Skip(before).ToList();

        var seconds = report.Duration.TotalSeconds;
        var playlists = during.Count(r => r.Url.AbsolutePath.EndsWith(".m3u8", StringComparison.Ordinal));
        var parts = during.Count(r => r.Url.AbsolutePath.Contains("-llhls-", StringComparison.Ordinal) && r.Url.AbsolutePath.EndsWith(".m4s", StringComparison.Ordinal));
        var segments = during.Count(r => r.Url.AbsolutePath.Contains("/chunk-stream", StringComparison.Ordinal));
        var figures = report.Summary(WarmUp) + "\n" + string.Create(CultureInfo.InvariantCulture,
            $"requests per second per viewer: playlists {playlists / seconds:0.00}, parts {parts / seconds:0.00}, whole segments {segments / seconds:0.00} ({during.Count} responses in {seconds:0.0} s)");
        Output?.WriteLine(figures);
        Output?.WriteLine(report.Timeline());
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "shaka-hls-playback.txt"), figures + "\n" + report.Timeline(), Cancellation);

        var failed = playback.Responses.Where(r => r.Status >= 400).Select(r => $"{r.Status} {r.Url}").ToList();
        Assert.True(failed.Count == 0, $"responses failed:\n{string.Join('\n', failed)}");
        Assert.True(parts > 0, "Shaka loaded no part: it did not play in low-latency mode");
        report.AssertSmooth(maximumLatency: 2.5, WarmUp, minimumAdvance: 20);
    }
}
