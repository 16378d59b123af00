using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Microsoft.Playwright;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// dash.js in Chromium plays a channel real ffmpeg pushes, through Debian's nginx (docs/nginx/delivery.conf,
/// round-robin) over three Delivery instances on one Redis: at the usual latency, and from all three.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class ScaledPlaybackTests(RedisServer redis, Chromium chromium)
{
    /// <summary>The encoder's <c>-target_latency</c>; tolerance and warm-up as in <see cref="LowLatencyPlaybackTests"/>.</summary>
    private const double TargetLatency = 1.5;

    private const double LatencyTolerance = 0.5;

    private static readonly string[] Instances = ["edge-1", "edge-2", "edge-3"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Playing = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ThroughNginx_OverThreeDeliveryInstances_PlaysAtTargetLatency_WithoutStalls_ServedByEveryInstance()
    {
        await using var origin = await OriginHost.StartAsync(redis, Settings(Instances[0]));
        await using var second = await origin.StartDeliveryAsync(Settings(Instances[1]));
        await using var third = await origin.StartDeliveryAsync(Settings(Instances[2]));
        await using var nginx = await NginxProxy.StartAsync([origin.DeliveryUri, second.Uri, third.Uri], Cancellation);
        var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel("Scaled"), new Uri(nginx.Uri, "/time"));
        try
        {
            await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, StartTimeout, Cancellation);
            var manifest = new Uri(nginx.Uri, encoder.ManifestPath);
            var page = new Uri(nginx.Uri, "/player?src=" + Uri.EscapeDataString(manifest.AbsoluteUri));

            await using var playback = await PlaybackPage.OpenAsync(chromium, page);
            await playback.WaitForPlaybackAsync(StartTimeout, Cancellation);
            var report = await playback.RecordAsync(Playing, Cancellation);
            Output?.WriteLine(report.Summary(WarmUp));
            Output?.WriteLine(report.Timeline());

            report.AssertSmooth(TargetLatency + LatencyTolerance, WarmUp, minimumAdvance: 25);
            Assert.Empty(report.ConsoleErrors);
            // Everything the page fetched came through nginx, the clock included (the MPD's UTCTiming names /time on
            // the host and port the player used).
            Assert.All(
                playback.Responses.Where(response => response.Url.Scheme is "http" or "https"),
                response => Assert.Equal(nginx.Uri.GetLeftPart(UriPartial.Authority), response.Url.GetLeftPart(UriPartial.Authority)));
            Assert.Contains(playback.Responses, response => response.Url.AbsolutePath == "/time" && response.Status == 200);

            // Round-robin: every instance served some of the player's requests, as its report on Redis says.
            var reports = await ReportsServingAsync(origin, encoder.Channel);
            foreach (var (id, delivery) in reports)
            {
                Output?.WriteLine($"{id}: {delivery.Channels[encoder.Channel].DeliveredBytes} bytes of the channel, {delivery.RedisReadsPerSecond:0.0} Redis reads/s, {delivery.DeliveredBitrateBps / 1000} kb/s out");
            }

            Assert.Equal(Instances, reports.Keys.Order());

            // /status (through nginx, so from any instance) shows the same: the three instances, what each serves and
            // reads, and the channel served by all three while the player is still playing.
            await ShowsTheScaledShapeAsync(new Uri(nginx.Uri, "/status"), encoder.Channel);
        }
        finally
        {
            await LiveChannelTeardown.EndAsync(encoder);
        }
    }

    /// <summary>
    /// Opens /status and waits until its Instances table lists the three instances with their bitrate out and Redis
    /// reads/s, and the channel's "Served by" has named each of them (an instance is named while it delivered some of
    /// the channel in its last report interval: with one player, not always all three at once).
    /// </summary>
    private async Task ShowsTheScaledShapeAsync(Uri status, string channel)
    {
        var context = await chromium.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync().WaitAsync(StartTimeout, Cancellation);
            await page.GotoAsync(status.AbsoluteUri).WaitAsync(StartTimeout, Cancellation);
            await page.EvaluateAsync($$"""
                () => {
                  window.shown = { lines: [], servedBy: new Set() };
                  new MutationObserver(() => {
                    const served = document.querySelector('article[data-channel="{{channel}}"] [data-field="served"]')?.textContent ?? '';
                    for (const [, id] of served.matchAll(/(edge-\d) \(\d+\)/g)) window.shown.servedBy.add(id);
                    window.shown.lines.push([...document.querySelectorAll('#instances tbody tr')].map((row) => row.textContent).concat(served).join(' | '));
                  }).observe(document.querySelector('main'), { subtree: true, childList: true, characterData: true });
                }
                """).WaitAsync(StartTimeout, Cancellation);
            try
            {
                await page.WaitForFunctionAsync(
                    $$"""
                    () => {
                      const rows = [...document.querySelectorAll('#instances tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent));
                      return rows.map((cells) => cells[0]).join() === 'edge-1,edge-2,edge-3'
                        && rows.every((cells) => cells[2].endsWith('b/s') && /^\d+\.\d$/.test(cells[3]))
                        && rows.some((cells) => cells[4].startsWith('{{channel}} ('))
                        && window.shown.servedBy.size === 3;
                    }
                    """,
                    null,
                    new PageWaitForFunctionOptions { Timeout = 20_000, PollingInterval = 200 }).WaitAsync(StartTimeout, Cancellation);
            }
            catch (TimeoutException ex)
            {
                var shown = await page.EvaluateAsync<string[]>("() => window.shown.lines.slice(-20)").WaitAsync(StartTimeout, Cancellation);
                throw new TimeoutException($"/status did not show the three instances serving {channel}; it showed:\n{string.Join('\n', shown)}", ex);
            }

            Output?.WriteLine(await page.Locator("#instances").InnerTextAsync().WaitAsync(StartTimeout, Cancellation));
        }
        finally
        {
            await context.CloseAsync().WaitAsync(StartTimeout, CancellationToken.None);
        }
    }

    private static Dictionary<string, string?> Settings(string instanceId) => new()
    {
        ["Delivery:InstanceId"] = instanceId,
        ["Delivery:ReportInterval"] = ReportInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Each instance's latest report once it shows bytes of <paramref name="channel"/> delivered (a report interval or two after they were).</summary>
    private static async Task<SortedDictionary<string, DeliveryInstanceReport>> ReportsServingAsync(OriginHost origin, string channel)
    {
        var db = origin.Redis.Connection.GetDatabase();
        var found = new SortedDictionary<string, DeliveryInstanceReport>(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(ReportInterval * 5);
        try
        {
            while (found.Count < Instances.Length)
            {
                foreach (var id in Instances)
                {
                    var stored = await db.StringGetAsync(origin.Keys.DeliveryReport(id)).WaitAsync(deadline.Token);
                    if (stored.HasValue && DeliveryInstanceReport.Parser.ParseFrom((byte[])stored!) is { } report
                        && report.Channels.TryGetValue(channel, out var delivery) && delivery.DeliveredBytes > 0)
                    {
                        found[id] = report;
                    }
                }

                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            // Whoever did not report the channel by now served none of it: the assertion names them.
        }

        return found;
    }
}
