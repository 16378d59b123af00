using CmafOrigin.Contracts.V1;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Tests.Reports;

/// <summary>Each Delivery instance's report on Redis, per the protocol in <c>ObjectKeys</c>, with real uploads and viewers.</summary>
public sealed class DeliveryReporterTests(RedisServer redis)
{
    private const string Interval = "00:00:00.500";

    private static readonly Dictionary<string, string?> FastReports = new() { ["Delivery:ReportInterval"] = Interval };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_CountsALiveViewerUnderItsChannel_WithATimeToLive()
    {
        await using var origin = await OriginHost.StartAsync(redis, With("Delivery:InstanceId", "edge-a"));
        var channel = TestPaths.Channel();
        var path = $"/{channel}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        await upload.SendAsync(TestPaths.Payload(1000, 2), Cancellation);
        await viewer.WaitForBytesAsync(2000, Cancellation);

        var report = await WaitForReportAsync(origin, "edge-a", r => r.Channels.TryGetValue(channel, out var c) && c.PassThroughP50Ms > 0);

        var delivery = report.Channels[channel];
        Assert.Equal(1, delivery.Viewers);
        Assert.True(delivery.DeliveredBytes >= 2000, $"delivered {delivery.DeliveredBytes}");
        Assert.InRange(delivery.PassThroughP99Ms, delivery.PassThroughP50Ms, 5000);
        Assert.True(report.Viewers >= 1);
        Assert.True(report.DeliveredBytes >= delivery.DeliveredBytes);

        var db = redis.Connection.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync(origin.Keys.DeliveryReport("edge-a"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1500));
        var expiresAt = await db.SortedSetScoreAsync(origin.Keys.DeliveryInstances, "edge-a");
        Assert.NotNull(expiresAt);
        Assert.InRange(expiresAt.Value - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1, 1500 + 500);

        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
    }

    [Fact]
    public async Task Report_CountsTheRedisReadsAndBitrateOfItsViewers_PerSecondOfTheLastInterval()
    {
        await using var origin = await OriginHost.StartAsync(redis, With("Delivery:InstanceId", "edge-a"));
        var idle = await WaitForReportAsync(origin, "edge-a", _ => true);
        Assert.Equal((0L, 0.0, 0L), (idle.RedisReads, idle.RedisReadsPerSecond, idle.DeliveredBitrateBps));

        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 0), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        DeliveryInstanceReport? busy = null;
        for (var piece = 1; piece < 200 && busy is null; piece++)
        {
            // A chunk every 50 ms, each one an XREAD of the segment's feed.
            await upload.SendAsync(TestPaths.Payload(1000, piece), Cancellation);
            await viewer.WaitForBytesAsync(1000 * (piece + 1), Cancellation);
            await Task.Delay(50, Cancellation);
            var stored = await redis.Connection.GetDatabase().StringGetAsync(origin.Keys.DeliveryReport("edge-a"));
            var report = DeliveryInstanceReport.Parser.ParseFrom((byte[])stored!);
            if (report.RedisReadsPerSecond > 0 && report.DeliveredBitrateBps > 0 && report.ReportedAt.ToDateTimeOffset() > viewer.RequestedAt.AddSeconds(1))
            {
                busy = report;
            }
        }

        Assert.NotNull(busy);
        var counted = origin.DeliveryServices.GetRequiredService<RedisReads>().Total;
        Assert.InRange(busy.RedisReads, 4, counted);
        // About 20 chunks a second: about as many reads, and 20 kB/s (160 kb/s) to the one viewer.
        Assert.InRange(busy.RedisReadsPerSecond, 2, 200);
        Assert.InRange(busy.DeliveredBitrateBps, 16_000, 1_600_000);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
    }

    [Fact]
    public async Task TwoInstances_EachReportTheirOwnViewers()
    {
        await using var origin = await OriginHost.StartAsync(redis, With("Delivery:InstanceId", "edge-a"));
        await using var second = await origin.StartDeliveryAsync(With("Delivery:InstanceId", "edge-b"));
        var channel = TestPaths.Channel();
        var path = $"/{channel}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await using var viewerA = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        await using var viewerB1 = await StreamingViewer.OpenAsync(second.Client, path, Cancellation);
        await using var viewerB2 = await StreamingViewer.OpenAsync(second.Client, path, Cancellation);
        foreach (var viewer in new[] { viewerA, viewerB1, viewerB2 })
        {
            await viewer.WaitForBytesAsync(1000, Cancellation);
        }

        var a = await WaitForReportAsync(origin, "edge-a", r => r.Channels.ContainsKey(channel));
        var b = await WaitForReportAsync(origin, "edge-b", r => r.Channels.TryGetValue(channel, out var c) && c.Viewers == 2);

        Assert.Equal(1, a.Channels[channel].Viewers);
        Assert.Equal(2, b.Channels[channel].Viewers);
        var live = await redis.Connection.GetDatabase().SortedSetRangeByScoreAsync(
            origin.Keys.DeliveryInstances, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), double.PositiveInfinity);
        Assert.Equal(["edge-a", "edge-b"], live.Select(id => id.ToString()).Order());
    }

    [Fact]
    public async Task StoppedInstance_RemovesItsReport()
    {
        await using var origin = await OriginHost.StartAsync(redis, FastReports);
        var second = await origin.StartDeliveryAsync(With("Delivery:InstanceId", "edge-stopping"));
        await WaitForReportAsync(origin, "edge-stopping", _ => true);

        await second.DisposeAsync();

        var db = redis.Connection.GetDatabase();
        Assert.False(await db.KeyExistsAsync(origin.Keys.DeliveryReport("edge-stopping")));
        Assert.Null(await db.SortedSetScoreAsync(origin.Keys.DeliveryInstances, "edge-stopping"));
    }

    [Fact]
    public async Task Report_LeavesOutChannelsNothingIsStoredOf_SoRequestsCannotInventThem()
    {
        var settings = With("Delivery:InstanceId", "edge-a");
        settings["Delivery:EarlyRequestWait"] = "00:00:03";
        await using var origin = await OriginHost.StartAsync(redis, settings);
        var invented = TestPaths.Channel("Invented");

        // A request for an object nobody uploads waits (early-request wait), then gets 404.
        var waiting = origin.Delivery.GetAsync(new Uri($"/{invented}/chunk-stream0-00001.m4s", UriKind.Relative), Cancellation);
        var first = await WaitForReportAsync(origin, "edge-a", _ => true);
        var later = await WaitForReportAsync(origin, "edge-a", r => r.ReportedAt.ToDateTimeOffset() > first.ReportedAt.ToDateTimeOffset().AddSeconds(1));
        using var answer = await waiting;

        Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
        Assert.False(first.Channels.ContainsKey(invented), "an invented channel was reported");
        Assert.False(later.Channels.ContainsKey(invented), "an invented channel was reported");
    }

    [Fact]
    public async Task Report_LeavesOutChannelsWithNothingDeliveredInTheInterval()
    {
        await using var origin = await OriginHost.StartAsync(redis, With("Delivery:InstanceId", "edge-a"));
        var channel = TestPaths.Channel();
        var path = $"/{channel}/init-stream0.m4s";
        (await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(TestPaths.Payload(500, 1)), Cancellation)).Dispose();
        (await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation)).Dispose();

        var withChannel = await WaitForReportAsync(origin, "edge-a", r => r.Channels.ContainsKey(channel));
        Assert.Equal(500, withChannel.Channels[channel].DeliveredBytes);
        Assert.Equal(0, withChannel.Channels[channel].PassThroughP50Ms);

        // Nothing more asked of it: it drops out of the next reports.
        await WaitForReportAsync(origin, "edge-a", r => !r.Channels.ContainsKey(channel) && r.ReportedAt.ToDateTimeOffset() > withChannel.ReportedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task RedisGoingAway_IsCountedAndLogged_AndReportingResumesWhenItReturns()
    {
        // A Redis of this test's own, to stop and start again on the same port.
        await using var ownRedis = await RedisServer.StartDedicatedAsync(persistent: false);
        await using var origin = await OriginHost.StartAsync(ownRedis, With("Delivery:InstanceId", "edge-a"));
        using var meters = new HostMeters(origin.DeliveryServices, "outcome");
        await WaitForCountAsync(meters, "written", count => count >= 1);

        await ownRedis.KillAsync();
        await WaitForCountAsync(meters, "failed", count => count >= 1);
        using (var alive = await origin.Delivery.GetAsync(new Uri("/alive", UriKind.Relative), Cancellation))
        {
            Assert.True(alive.IsSuccessStatusCode);
        }

        await ownRedis.RestartAsync();
        var written = meters.Sum("cmaforigin.delivery.reports", "written");
        await WaitForCountAsync(meters, "written", count => count > written);
        var stored = await ownRedis.Connection.GetDatabase().StringGetAsync(origin.Keys.DeliveryReport("edge-a"));
        Assert.Equal("edge-a", DeliveryInstanceReport.Parser.ParseFrom((byte[])stored!).InstanceId);

        // Stopped while Redis is there again: the report goes with it.
        await origin.DisposeAsync();
        Assert.False(await ownRedis.Connection.GetDatabase().KeyExistsAsync(origin.Keys.DeliveryReport("edge-a")));
    }

    private static Dictionary<string, string?> With(string key, string value) => new(FastReports) { [key] = value };

    /// <summary>Waits until this host's count of reports with <paramref name="outcome"/> satisfies <paramref name="condition"/>.</summary>
    private static async Task<long> WaitForCountAsync(HostMeters meters, string outcome, Func<long, bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition(meters.Sum("cmaforigin.delivery.reports", outcome)))
        {
            await Task.Delay(100, deadline.Token);
        }

        return meters.Sum("cmaforigin.delivery.reports", outcome);
    }

    private async Task<DeliveryInstanceReport> WaitForReportAsync(OriginHost origin, string instanceId, Func<DeliveryInstanceReport, bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(15));
        var db = redis.Connection.GetDatabase();
        while (true)
        {
            var stored = await db.StringGetAsync(origin.Keys.DeliveryReport(instanceId)).WaitAsync(deadline.Token);
            if (stored.HasValue && DeliveryInstanceReport.Parser.ParseFrom((byte[])stored!) is { } report && condition(report))
            {
                Assert.Equal(instanceId, report.InstanceId);
                return report;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
