using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CmafOrigin.Delivery.Tests.Telemetry;

/// <summary>What operators see of a delivery: its trace, and the pass-through latency.</summary>
/// <remarks>
/// Alone in the process (its own collection, not run in parallel): a host's <c>/metrics</c> exports every meter named
/// <c>CmafOrigin.Delivery</c> in the process (OpenTelemetry listens by name, not by the host's meter factory), so the
/// viewers of other tests' Delivery hosts would be counted in the figures these tests check exactly.
/// </remarks>
[Collection(nameof(DeliveryTelemetryTests))]
[CollectionDefinition(nameof(DeliveryTelemetryTests), DisableParallelization = true)]
public sealed partial class DeliveryTelemetryTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeliverySpan_LinksToTheUploadSpanThatProducedItsBytes()
    {
        var spans = new ExportedSpanCollection();
        await using var origin = await OriginHost.StartAsync(redis, services: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";

        (await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation)).Dispose();
        (await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation)).Dispose();

        // Server spans end just after their response: wait for both to be exported.
        Activity? upload = null, delivery = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (upload is null || delivery is null)
        {
            await Task.Delay(20, deadline.Token);
            var ofPath = spans.Where(s => (string?)s.GetTagItem("cmaforigin.path") == path[1..]).ToList();
            upload = ofPath.FirstOrDefault(s => s.GetTagItem("http.request.method") as string == "PUT");
            delivery = ofPath.FirstOrDefault(s => s.GetTagItem("http.request.method") as string == "GET");
        }

        Assert.Equal(upload.GetTagItem("cmaforigin.version"), delivery.GetTagItem("cmaforigin.version"));
        var link = Assert.Single(delivery.Links);
        Assert.Equal(upload.TraceId, link.Context.TraceId);
        Assert.Equal(upload.SpanId, link.Context.SpanId);
    }

    [Fact]
    public async Task MetricsEndpoint_ExposesThePassThroughLatencyOfDeliveredChunks()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        for (var i = 2; i <= 4; i++)
        {
            await upload.SendAsync(TestPaths.Payload(1000, i), Cancellation);
            await viewer.WaitForBytesAsync(1000 * i, Cancellation);
        }

        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));

        var scrape = await origin.Delivery.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.Contains("# TYPE cmaforigin_delivery_passthrough_milliseconds histogram", scrape, StringComparison.Ordinal);
        // The first piece was there when the viewer asked (backlog); the three after it arrived while it waited (live).
        Assert.True(Count(scrape, "cmaforigin_delivery_passthrough_milliseconds_count", "arrival=\"live\"") >= 3, scrape);
        Assert.Contains("cmaforigin_delivery_time_to_first_byte_milliseconds_bucket", scrape, StringComparison.Ordinal);
        // Every byte the one viewer was written, once.
        Assert.Equal(4000, Count(scrape, "cmaforigin_delivery_bytes_total", "otel_scope_name"));
        // Kestrel's pool: what it allocated, not every 4 KiB block rented and returned (measuring those costs too much).
        Assert.Contains("aspnetcore_memory_pool_allocated", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool_pooled", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool_rented", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassThrough_CountsChunksThatArrivedWhileTheViewerWaited_ApartFromItsBacklog()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        // Two chunks stored before the viewer asks: its backlog.
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 1000, Cancellation);
        await upload.SendAsync(TestPaths.Payload(1000, 2), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 2000, Cancellation);
        // Ingest stores each read of the body as one piece: a busy machine may split a send in two.
        var backlog = (await origin.CurrentMetaAsync(path))!.Chunks;
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(2000, Cancellation);
        // Three that arrive while it waits: live.
        for (var i = 3; i <= 5; i++)
        {
            await upload.SendAsync(TestPaths.Payload(1000, i), Cancellation);
            await viewer.WaitForBytesAsync(1000 * i, Cancellation);
        }

        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        var live = (await origin.CurrentMetaAsync(path))!.Chunks - backlog;
        var scrape = await origin.Delivery.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.True(backlog >= 2 && live >= 3, $"{backlog} pieces stored before the viewer came, {live} after");
        Assert.Equal(live, Count(scrape, "cmaforigin_delivery_passthrough_milliseconds_count", "arrival=\"live\""));
        Assert.Equal(backlog, Count(scrape, "cmaforigin_delivery_passthrough_milliseconds_count", "arrival=\"backlog\""));
        // What the reports (and so /status and originctl stats) show is the live figure alone.
        var counts = new long[PassThroughHistogram.BucketCount];
        Assert.Single(origin.DeliveryServices.GetRequiredService<DeliveryTallies>().Channels).PassThrough.CopyTo(counts);
        Assert.Equal(live, counts.Sum());
    }

    /// <summary>The value of the first sample of <paramref name="metric"/> with <paramref name="label"/> in a Prometheus text scrape.</summary>
    private static double Count(string scrape, string metric, string label)
    {
        var match = Regex.Match(scrape, $@"^{metric}\{{[^}}]*{Regex.Escape(label)}[^}}]*\}} (?<value>\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : 0;
    }
}
