using CmafOrigin.TestSupport;
using Microsoft.Playwright;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// /player without a manifest URL follows the live stream: it waits for one, plays the latest manifest
/// (<c>GET /api/manifests/latest</c>), and waits again when that stream ends.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class PlayerDiscoveryTests(RedisServer redis, Chromium chromium)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task PlayerPage_WithoutSrc_WaitsForALiveStream_PlaysTheLatestManifest_WaitsAgainWhenItEnds()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player"));
        await playback.Page.WaitForFunctionAsync(
            "() => document.querySelector('#status').textContent.includes('waiting for a live stream')",
            null,
            new PageWaitForFunctionOptions { Timeout = 10_000 }).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);

        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { Video = [new(426, 240, 400)], Duration = TimeSpan.FromSeconds(60) });
        // The page polls every 2 s; the encoder's first manifest comes after about a second.
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(30), Cancellation);
        var src = await playback.EvaluateAsync("() => window.originPlayer.stats.src", Cancellation);
        var report = await playback.RecordAsync(TimeSpan.FromSeconds(5), Cancellation);
        Output?.WriteLine($"played {src}: {report.Summary(TimeSpan.Zero)}");
        Output?.WriteLine(report.Timeline());

        Assert.Equal(new Uri(origin.DeliveryUri, encoder.ManifestPath).AbsoluteUri, src);
        Assert.True(report.Advance >= 3, $"the video advanced {report.Advance:0.00} s in 5 s.\n{report.Timeline()}");
        Assert.Empty(report.PlayerErrors);
        Assert.Empty(report.MediaFailures);

        // The encoder ends its stream and deletes it: the page goes back to waiting for the next one.
        await encoder.StopAsync(Cancellation);
        await playback.Page.WaitForFunctionAsync(
            "() => window.originPlayer.player === null && document.querySelector('#status').textContent.includes('waiting for a live stream')",
            null,
            new PageWaitForFunctionOptions { Timeout = 15_000 }).WaitAsync(TimeSpan.FromSeconds(20), Cancellation);
    }
}
