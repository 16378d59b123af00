using System.Globalization;
using System.Text.Json;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// The LL-HLS of an ffmpeg LL-DASH push played by hls.js through /player over HTTPS, from a Delivery instance given
/// an HTTPS endpoint by Kestrel's standard configuration (a self-signed certificate made in the test, accepted by the
/// browser context): every playlist and part request goes over HTTP/2, at the latency it has over HTTP/1.1.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class HlsOverHttp2PlaybackTests(RedisServer redis, Chromium chromium)
{
    private const string ProtocolsScript = """
        () => {
          const counts = {};
          for (const entry of performance.getEntriesByType('resource')) {
            if (/\.m3u8|-llhls-/.test(entry.name)) {
              counts[entry.nextHopProtocol] = (counts[entry.nextHopProtocol] ?? 0) + 1;
            }
          }
          return JSON.stringify(counts);
        }
        """;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Recorded = TimeSpan.FromSeconds(25);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task HlsJs_PlaysTheLowLatencyHls_OverHttp2_Within2Seconds_WithoutStallsOrErrors()
    {
        using var certificate = TestCertificate.Create();
        var httpsPort = FreePort.Next();
        await using var origin = await OriginHost.StartAsync(redis);
        await using var https = await origin.StartDeliveryAsync(certificate.HttpsEndpointSettings(httpsPort));
        await using var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"));
        await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, TimeSpan.FromSeconds(30), Cancellation);

        var delivery = new Uri($"https://127.0.0.1:{httpsPort}");
        var playlist = new Uri(delivery, $"/{encoder.Channel}/out.m3u8");
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(delivery, "/player?src=" + Uri.EscapeDataString(playlist.AbsoluteUri)), ignoreHttpsErrors: true);
        // Room for every request of the run: the default buffer of 250 entries fills in half a minute.
        await playback.EvaluateAsync("() => { performance.setResourceTimingBufferSize(100000); return ''; }", Cancellation);
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(30), Cancellation);
        var report = await playback.RecordAsync(Recorded, Cancellation);
        var protocols = JsonSerializer.Deserialize<Dictionary<string, int>>(await playback.EvaluateAsync(ProtocolsScript, Cancellation))!;

        var figures = report.Summary(WarmUp) + "\n" + string.Create(CultureInfo.InvariantCulture,
            $"playlist and part requests by protocol (Resource Timing nextHopProtocol): {string.Join(", ", protocols.Select(p => $"{p.Key} {p.Value}"))}");
        Output?.WriteLine(figures);
        Output?.WriteLine(report.Timeline());
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "hls-h2-playback.txt"), figures + "\n" + report.Timeline(), Cancellation);

        var failed = playback.Responses.Where(r => r.Status >= 400).Select(r => $"{r.Status} {r.Url}").ToList();
        Assert.True(failed.Count == 0, $"responses failed:\n{string.Join('\n', failed)}");
        Assert.True(protocols.GetValueOrDefault("h2") > 50, $"too few playlist and part requests over h2: {figures}");
        Assert.True(protocols.Keys.All(p => p == "h2"), $"playlist or part requests not over h2: {figures}");
        report.AssertSmooth(maximumLatency: 2.0, WarmUp, minimumAdvance: 20);
    }
}
