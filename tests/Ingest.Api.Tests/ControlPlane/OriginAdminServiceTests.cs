using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CmafOrigin.Ingest.Tests.Control;

/// <summary>OriginAdmin over a real gRPC channel: purging a live channel, origin-wide totals.</summary>
public sealed class OriginAdminServiceTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PurgeChannel_DuringAPush_AbortsInFlightViewers_AndThenLeavesNoKey()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel("Purge"), new Uri(origin.DeliveryUri, "/time"));
        await using var stopEncoder = encoder;
        var channel = encoder.Channel;
        using var client = ControlClient.For(origin);
        await WaitForAsync(async () => await origin.CurrentMetaAsync(encoder.SegmentPath(0, 1)) is { State: ObjectState.Complete }, "the first segment", TimeSpan.FromSeconds(30));

        // An upload in progress with a viewer reading it: one that never ends by itself, so only the purge can end it.
        var inFlight = $"/{channel}/chunk-stream9-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, inFlight);
        await upload.SendAsync(TestPaths.Payload(2000, 1), Cancellation);
        await origin.WaitForCurrentAsync(inFlight, meta => meta?.Size == 2000, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, inFlight, Cancellation);
        await viewer.WaitForBytesAsync(2000, Cancellation);

        var purged = await client.Admin.PurgeChannelAsync(new PurgeChannelRequest { Name = channel }, client.Call(Cancellation));

        Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(10)), "the viewer of a purged upload saw a clean end");
        Assert.True(purged.UploadsAborted >= 1, $"{purged.UploadsAborted} uploads aborted");
        Assert.True(purged.ObjectsRemoved >= 5, $"{purged.ObjectsRemoved} objects removed (manifest, init segments, segments)");
        try
        {
            await upload.SendAsync(TestPaths.Payload(100, 2), Cancellation);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
        }

        using (var answer = await upload.CompleteAsync(Cancellation))
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        }

        // The encoder pushes on and starts the channel again; stopped, and its last uploads settled, one purge leaves nothing
        // (or finds nothing left to purge, when the encoder's exit DELETEs removed it all first).
        await encoder.DisposeAsync();
        await WaitForAsync(async () => !await AnyUploadingAsync(origin, channel), "the killed encoder's uploads to end", TimeSpan.FromSeconds(20));
        try
        {
            await client.Admin.PurgeChannelAsync(new PurgeChannelRequest { Name = channel }, client.Call(Cancellation));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
        }

        Assert.Empty(await origin.StoredKeysAsync(channel));
        Assert.Null(await redis.Connection.GetDatabase().SortedSetScoreAsync(origin.Keys.Manifests, $"{channel}/out.mpd"));
        var gone = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = channel }, client.Call(Cancellation)));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task PurgeChannel_OfAChannelNothingIsStoredOf_IsNotFound_AndTouchesNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        using var client = ControlClient.For(origin);
        var neighbour = TestPaths.Channel();
        using (var stored = await origin.Ingest.PutAsync(new Uri($"/{neighbour}/init-stream0.m4s", UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation))
        {
            stored.EnsureSuccessStatusCode();
        }

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Admin.PurgeChannelAsync(new PurgeChannelRequest { Name = $"{neighbour}-typo" }, client.Call(Cancellation)));

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Equal($"no channel '{neighbour}-typo' is on the origin", refused.Status.Detail);
        Assert.NotEmpty(await origin.StoredKeysAsync(neighbour));
    }

    [Fact]
    public async Task GetOriginStats_SumsLiveChannels_AndTheReportsOfLiveDeliveryInstances()
    {
        // The host's own Delivery reports too (no viewers): under a name of its own.
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Delivery:InstanceId"] = "delivery-host" });
        using var client = ControlClient.For(origin);
        var channel = TestPaths.Channel();
        foreach (var name in new[] { "out.mpd", "chunk-stream0-00001.m4s" })
        {
            (await origin.Ingest.PutAsync(new Uri($"/{channel}/{name}", UriKind.Relative), new ByteArrayContent(new byte[500]), Cancellation)).Dispose();
        }

        await using var uploading = PacedUpload.Start(origin.Ingest, $"/{channel}/chunk-stream0-00002.m4s");
        await uploading.SendAsync([1, 2, 3], Cancellation);
        await origin.WaitForCurrentAsync($"/{channel}/chunk-stream0-00002.m4s", meta => meta?.Size == 3, Cancellation);

        // Two Delivery instances report as the protocol says; a third one's report expired (it died).
        var now = DateTimeOffset.UtcNow;
        await ReportAsync(origin, "delivery-a", now, now.AddSeconds(6), viewers: 3, channel, channelViewers: 2);
        await ReportAsync(origin, "delivery-b", now, now.AddSeconds(6), viewers: 4, channel, channelViewers: 4);
        await ReportAsync(origin, "delivery-dead", now.AddSeconds(-20), now.AddSeconds(-14), viewers: 50, channel, channelViewers: 50);

        var stats = await client.Admin.GetOriginStatsAsync(new GetOriginStatsRequest(), client.Call(Cancellation));
        var found = await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = channel }, client.Call(Cancellation));

        Assert.Equal(1, stats.LiveChannels);
        Assert.Equal(1, stats.ActiveUploads);
        Assert.Equal(7, stats.Viewers);
        Assert.Equal(["delivery-a", "delivery-b", "delivery-host"], stats.DeliveryInstances.Select(r => r.InstanceId).Order());
        Assert.True(stats.IngestBitrateBps > 0);
        Assert.Equal(6, found.Viewers);

        // An upload deleted under its uploader is no longer counted as one in progress.
        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/chunk-stream0-00002.m4s", UriKind.Relative), Cancellation)).Dispose();
        var afterDelete = await client.Admin.GetOriginStatsAsync(new GetOriginStatsRequest(), client.Call(Cancellation));
        Assert.Equal((1, 0), (afterDelete.LiveChannels, afterDelete.ActiveUploads));
    }

    private static async Task ReportAsync(OriginHost origin, string id, DateTimeOffset at, DateTimeOffset expires, int viewers, string channel, int channelViewers)
    {
        var report = new DeliveryInstanceReport { InstanceId = id, ReportedAt = Timestamp.FromDateTimeOffset(at), Viewers = viewers };
        report.Channels[channel] = new ChannelDelivery { Viewers = channelViewers, DeliveredBytes = 1000 };
        var db = origin.Redis.Connection.GetDatabase();
        var ttl = expires - DateTimeOffset.UtcNow;
        await db.SortedSetAddAsync(origin.Keys.DeliveryInstances, id, expires.ToUnixTimeMilliseconds());
        if (ttl > TimeSpan.Zero)
        {
            await db.StringSetAsync(origin.Keys.DeliveryReport(id), report.ToByteArray(), ttl);
        }
    }

    private static async Task<bool> AnyUploadingAsync(OriginHost origin, string channel)
    {
        var db = origin.Redis.Connection.GetDatabase();
        foreach (var key in (await origin.StoredKeysAsync(channel)).Where(k => k.EndsWith(":meta", StringComparison.Ordinal)))
        {
            if (await db.HashGetAsync(key, ObjectFields.State) == ObjectStates.Uploading)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            while (!await condition())
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            Assert.Fail($"timed out waiting for {what}");
        }
    }
}
