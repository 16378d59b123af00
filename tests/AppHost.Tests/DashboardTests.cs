using System.Net;
using System.Text.Json;
using CmafOrigin.TestSupport;
using Microsoft.Playwright;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// <c>--demo</c> as a new user runs it: the demo channel plays, and the Aspire dashboard shows the services' telemetry,
/// an upload span of Ingest linked from the Delivery spans that served its bytes.
/// </summary>
public sealed class DashboardTests(DemoRunFixture fixture) : IClassFixture<DemoRunFixture>
{
    private const string DemoManifest = "/live/demo/out.mpd";

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private AppHostRun Run => fixture.Run;

    [Fact]
    public async Task Demo_ChannelPlaysInFfmpegAsADashClient()
    {
        await fixture.LatestCompleteSegmentAsync(atLeast: 3, Cancellation).WaitAsync(TimeSpan.FromSeconds(60), Cancellation);

        await using var player = FfmpegProcess.Start(["-hide_banner", "-nostdin", "-i", new Uri(Run.DeliveryUrl, DemoManifest).AbsoluteUri, "-t", "4", "-f", "null", "-"]);
        var exit = await player.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation);

        Assert.True(exit == 0, player.Describe());
        Assert.Contains(player.ErrorLines, line => line.Contains("time=00:00:04", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_ShowsTheUploadSpanOfASegment_LinkedFromTheDeliverySpanThatServedIt()
    {
        // A viewer of one segment of the demo, served by Delivery while (or after) Ingest received it.
        var segment = await fixture.LatestCompleteSegmentAsync(atLeast: 2, Cancellation).WaitAsync(TimeSpan.FromSeconds(60), Cancellation);
        using (var served = await Http.GetAsync(new Uri(Run.DeliveryUrl, segment), Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // Telemetry reaches the dashboard in batches: look until both spans are there.
        (string TraceId, string SpanId) upload = default;
        await Eventually.HoldsAsync(
            async ct =>
            {
                var served = await SpansAsync("delivery", ct);
                var delivery = served.FirstOrDefault(span => Attribute(span, "cmaforigin.path") == segment.TrimStart('/'));
                if (delivery.ValueKind == JsonValueKind.Undefined || !delivery.TryGetProperty("links", out var links) || links.GetArrayLength() == 0)
                {
                    return false;
                }

                var link = links[0];
                upload = (link.GetProperty("traceId").GetString()!, link.GetProperty("spanId").GetString()!);
                var uploads = await SpansAsync("ingest", ct);
                return uploads.Any(span =>
                    span.GetProperty("traceId").GetString() == upload.TraceId
                    && span.GetProperty("spanId").GetString() == upload.SpanId
                    && span.GetProperty("name").GetString() == "PUT /{**path}"
                    && Attribute(span, "url.path") == segment);
            },
            "an Ingest upload span linked from a Delivery span");

        Assert.NotNull(upload.TraceId);
        await SaveTracePageScreenshotAsync(upload.TraceId);
    }

    /// <summary>The dashboard's trace page of the upload, as a person sees it: saved as a test artifact.</summary>
    private async Task SaveTracePageScreenshotAsync(string traceId)
    {
        await using var chromium = new Chromium();
        await chromium.InitializeAsync();
        var context = await chromium.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(Run.DashboardUrl, $"/traces/detail/{traceId}").AbsoluteUri);
            // The page renders after its data arrives over its own connection: wait for the span's name.
            await page.GetByText("PUT /{**path}").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "artifacts");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, "dashboard-upload-trace.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            Assert.True(new FileInfo(file).Length > 10_000, "the screenshot is (nearly) empty");
            TestContext.Current.AddAttachment("dashboard-upload-trace.png", await File.ReadAllBytesAsync(file, Cancellation), "image/png");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>The spans the dashboard holds for <paramref name="resource"/>, from its telemetry API (OTLP JSON).</summary>
    private async Task<List<JsonElement>> SpansAsync(string resource, CancellationToken cancellationToken)
    {
        var json = await Http.GetStringAsync(new Uri(Run.DashboardUrl, $"/api/telemetry/spans?resource={resource}"), cancellationToken);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
            .SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray())
            .SelectMany(s => s.GetProperty("spans").EnumerateArray())
            .Select(span => span.Clone())];
    }

    private static string? Attribute(JsonElement span, string key) =>
        span.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().Where(a => a.GetProperty("key").GetString() == key)
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()).FirstOrDefault()
            : null;
}
