using CmafOrigin.TestSupport;
using Microsoft.Playwright;

namespace CmafOrigin.Browser.Tests;

/// <summary>/status in headless Chromium with a channel that real ffmpeg pushes and a real player watches.</summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class StatusPageTests(RedisServer redis, Chromium chromium)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task StatusPage_ShowsTheLiveChannel_ItsTracksViewersAndLatencyCharts_AndLinksToAWorkingPlayer()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { Video = [new(426, 240, 400)], Duration = TimeSpan.FromSeconds(120) });
        await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, Wait, Cancellation);

        var context = await chromium.NewContextAsync();
        await using var closeContext = new AsyncDisposable(() => context.CloseAsync());
        var status = await context.NewPageAsync().WaitAsync(Wait, Cancellation);
        var pageErrors = new List<string>();
        status.PageError += (_, error) => pageErrors.Add(error);
        await status.GotoAsync(new Uri(origin.DeliveryUri, "/status").AbsoluteUri).WaitAsync(Wait, Cancellation);

        // 1. The channel is listed, live, with the video and audio tracks of its manifest.
        var row = $"article[data-channel=\"{encoder.Channel}\"]";
        await WaitForAsync(status, $$"""
            () => {
              const row = document.querySelector('{{row}}');
              return row && row.querySelector('.state').textContent === 'live' && row.querySelectorAll('.tracks tbody tr').length === 2
                && row.querySelector('[data-field="segment"]').textContent.startsWith('#');
            }
            """);
        var tracks = await status.Locator($"{row} .tracks tbody tr td:nth-child(2)").AllTextContentsAsync().WaitAsync(Wait, Cancellation);
        Assert.Equal(["video", "audio"], tracks);

        // 2. Its link opens the player on its manifest, and the player plays.
        var href = await status.Locator($"{row} a.play").GetAttributeAsync("href").WaitAsync(Wait, Cancellation);
        var manifest = new Uri(origin.DeliveryUri, encoder.ManifestPath).AbsoluteUri;
        Assert.Equal($"/player?src={Uri.EscapeDataString(manifest)}", href);
        await using var player = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, href));
        await player.WaitForPlaybackAsync(Wait, Cancellation);
        Assert.Equal(manifest, await player.EvaluateAsync("() => window.originPlayer.stats.src", Cancellation));

        // 3. With that viewer, the page shows viewers and pass-through latency, and its charts fill.
        await WaitForAsync(status, $$"""
            () => {
              const row = document.querySelector('{{row}}');
              const points = (chart) => Number(row.querySelector(`canvas[data-chart="${chart}"]`).dataset.points ?? 0);
              return Number(row.querySelector('[data-field="viewers"]').textContent) >= 1
                && row.querySelector('[data-field="p50"]').textContent.endsWith(' ms')
                && row.querySelector('[data-field="bitrate"]').textContent.endsWith('b/s')
                && points('latency') >= 5 && points('viewers') >= 5 && points('bitrate') >= 5
                && window.originStatus.last.channels.some((c) => c.name === '{{encoder.Channel}}'
                     && c.history.p50.filter((v) => v > 0).length >= 3);
            }
            """);
        var figures = await status.Locator($"{row} .figures").InnerTextAsync().WaitAsync(Wait, Cancellation);
        var screenshot = await SaveScreenshotAsync(status, nameof(StatusPage_ShowsTheLiveChannel_ItsTracksViewersAndLatencyCharts_AndLinksToAWorkingPlayer));
        Output?.WriteLine(figures.ReplaceLineEndings(" "));
        Output?.WriteLine($"screenshot: {screenshot}");

        Assert.True(await status.EvaluateAsync<bool>("() => window.originStatus.connected").WaitAsync(Wait, Cancellation));
        var instances = await status.Locator("#instances tbody tr").CountAsync().WaitAsync(Wait, Cancellation);
        Assert.Equal(1, instances);
        Assert.Empty(pageErrors);
    }

    private static async Task WaitForAsync(IPage page, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)Wait.TotalMilliseconds, PollingInterval = 200 })
                .WaitAsync(Wait + TimeSpan.FromSeconds(5), Cancellation);
        }
        catch (TimeoutException ex)
        {
            var last = await page.EvaluateAsync<string>("() => JSON.stringify(window.originStatus)").WaitAsync(Wait, Cancellation);
            throw new TimeoutException($"the status page did not show it within {Wait.TotalSeconds} s; last state: {last}", ex);
        }
    }

    /// <summary>Saves <c>artifacts/browser/<paramref name="name"/>.png</c> in the test output and attaches it, like the playback tests.</summary>
    private static async Task<string> SaveScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 15_000 }).WaitAsync(Wait, Cancellation);
        TestContext.Current.AddAttachment(name + ".png", png, "image/png");
        return path;
    }

    private sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose().WaitAsync(TimeSpan.FromSeconds(15));
    }
}
