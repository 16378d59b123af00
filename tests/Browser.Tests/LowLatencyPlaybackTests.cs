using System.Text.RegularExpressions;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// dash.js in Chromium plays a live channel that real ffmpeg pushes through Ingest, Redis and Delivery, at the
/// latency the encoder asks for (1.5 s): once from a page on another origin, once from the origin's own /player.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed partial class LowLatencyPlaybackTests(LiveChannelFixture channel, Chromium chromium) : IClassFixture<LiveChannelFixture>
{
    /// <summary>The encoder's <c>-target_latency</c>, which the page's <c>liveDelay</c> repeats.</summary>
    private const double TargetLatency = 1.5;

    /// <summary>How far above the target the latency may go once the player has settled.</summary>
    private const double LatencyTolerance = 0.5;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Playing = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ThirdPartyPage_PlaysAcrossOrigins_AtTargetLatency_WithoutStalls()
    {
        await using var site = await ThirdPartySite.StartAsync(Cancellation);
        var page = site.PageFor(channel.ManifestUri);
        Assert.NotEqual(site.Address.GetLeftPart(UriPartial.Authority), channel.Origin.DeliveryUri.GetLeftPart(UriPartial.Authority));

        await using var playback = await PlaybackPage.OpenAsync(chromium, page);
        var report = await PlayAsync(playback, nameof(ThirdPartyPage_PlaysAcrossOrigins_AtTargetLatency_WithoutStalls));

        report.AssertSmooth(TargetLatency + LatencyTolerance, WarmUp, minimumAdvance: 15);
        // dash.js ran in low-latency mode (chunked segments read as they arrive) on a clock synced with Delivery's /time.
        Assert.Equal("true", await playback.EvaluateAsync("() => String(window.originPlayer.player.getLowLatencyModeEnabled())", Cancellation));
        Assert.Contains(playback.Responses, response =>
            response.Url.GetLeftPart(UriPartial.Authority) == channel.Origin.DeliveryUri.GetLeftPart(UriPartial.Authority)
            && response.Url.AbsolutePath == "/time" && response.Status == 200);
    }

    [Fact]
    public async Task PlayerPage_PlaysSrc_AtTargetLatency_WithoutStalls()
    {
        var page = new Uri(channel.Origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(channel.ManifestUri.AbsoluteUri));

        await using var playback = await PlaybackPage.OpenAsync(chromium, page);
        var report = await PlayAsync(playback, nameof(PlayerPage_PlaysSrc_AtTargetLatency_WithoutStalls));

        report.AssertSmooth(TargetLatency + LatencyTolerance, WarmUp, minimumAdvance: 15);
        // The page shows what it measured.
        var readouts = await playback.EvaluateAsync(
            "() => [...document.querySelectorAll('figure output, .counters dd')].map((e) => e.textContent).join('|')",
            Cancellation);
        Output?.WriteLine($"readouts (latency|buffer|rate|bitrate|stalls|errors|rendition): {readouts}");
        Assert.Matches(ReadoutsPattern(), readouts);

        // Its settings apply to the running player.
        await playback.Page.FillAsync("#target-latency", "3");
        await playback.Page.FillAsync("#rate-max", "0.25");
        await playback.Page.DispatchEventAsync("#rate-max", "change");
        await playback.Page.DispatchEventAsync("#target-latency", "change");
        var applied = await playback.EvaluateAsync(
            "() => { const p = window.originPlayer.player; return `${p.getTargetLiveDelay()} ${p.getSettings().streaming.liveCatchup.playbackRate.max}`; }",
            Cancellation);
        Assert.Equal("3 0.25", applied);
    }

    /// <summary>Waits for playback, records <see cref="Playing"/>, saves a screenshot and prints the numbers.</summary>
    private static async Task<PlaybackReport> PlayAsync(PlaybackPage playback, string name)
    {
        await playback.WaitForPlaybackAsync(StartTimeout, Cancellation);
        var report = await playback.RecordAsync(Playing, Cancellation);
        var screenshot = await playback.SaveScreenshotAsync(name);
        Output?.WriteLine(report.Summary(WarmUp));
        Output?.WriteLine($"screenshot: {screenshot}");
        Output?.WriteLine(report.Timeline());
        return report;
    }

    [GeneratedRegex(@"^\d+\.\d\d s\|\d+\.\d\d s\|\d\.\d\d×\|\d+ kb/s\|0\|0\|\d+×\d+$")]
    private static partial Regex ReadoutsPattern();
}
