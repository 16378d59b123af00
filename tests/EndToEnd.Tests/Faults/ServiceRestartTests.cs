using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>Delivery and Ingest restarted under a channel: what is on Redis survives, viewers reconnect.</summary>
public sealed class ServiceRestartTests(RedisServer redis)
{
    private static readonly Dictionary<string, string?> ShortShutdown = new()
    {
        ["Ingest:ShutdownTimeout"] = "00:00:02",
        ["Delivery:ShutdownTimeout"] = "00:00:02",
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeliveryThenIngestRestarted_NothingStoredIsLost_AndReconnectingViewersGetTheObjects()
    {
        // Ingest A takes the uploads; Delivery B serves them. Same key prefix: the same origin, restarted piece by piece.
        await using var ingestA = await OriginHost.StartAsync(redis, ShortShutdown);
        var channel = TestPaths.Channel();
        var complete = TestPaths.Payload(50_000, 1);
        var init = $"/{channel}/init-stream0.m4s";
        (await ingestA.Ingest.PutAsync(new Uri(init, UriKind.Relative), new ByteArrayContent(complete), Cancellation)).Dispose();
        var segment = $"/{channel}/chunk-stream0-00001.m4s";
        var first = TestPaths.Payload(20_000, 2);
        var second = TestPaths.Payload(20_000, 3);
        byte[] whole = [.. first, .. second];
        await using var upload = PacedUpload.Start(ingestA.Ingest, segment);
        await upload.SendAsync(first, Cancellation);
        await ingestA.WaitForCurrentAsync(segment, meta => meta?.Size == first.Length, Cancellation);

        var deliveryB = await OriginHost.StartAsync(redis, ShortShutdown, keyPrefix: ingestA.KeyPrefix);
        await using var before = await StreamingViewer.OpenAsync(deliveryB.Delivery, segment, Cancellation);
        await before.WaitForBytesAsync(first.Length, Cancellation);

        // 1. Delivery restarts. Its viewer of the in-progress segment is reset (after the shutdown deadline), not ended cleanly.
        await deliveryB.DisposeAsync();
        Assert.False(await before.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(15)), "a response cut by the restart ended cleanly");

        await using var deliveryC = await OriginHost.StartAsync(redis, ShortShutdown, keyPrefix: ingestA.KeyPrefix);
        await using var reconnected = await StreamingViewer.OpenAsync(deliveryC.Delivery, segment, Cancellation);
        await reconnected.WaitForBytesAsync(first.Length, Cancellation);
        await upload.SendAsync(second, Cancellation);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await reconnected.WaitForEndAsync(Cancellation), "the reconnected viewer's response failed");
        Assert.Equal(whole, reconnected.Received);
        Assert.Equal(complete, await deliveryC.Delivery.GetByteArrayAsync(new Uri(init, UriKind.Relative), Cancellation));

        // 2. Ingest restarts: everything it stored is still served, and a new Ingest's uploads reach the running Delivery.
        var prefix = ingestA.KeyPrefix;
        await ingestA.DisposeAsync();
        Assert.Equal(complete, await deliveryC.Delivery.GetByteArrayAsync(new Uri(init, UriKind.Relative), Cancellation));
        var stillThere = await deliveryC.Delivery.GetByteArrayAsync(new Uri(segment, UriKind.Relative), Cancellation);
        Assert.Equal(whole, stillThere);

        await using var ingestD = await OriginHost.StartAsync(redis, ShortShutdown, keyPrefix: prefix);
        var next = $"/{channel}/chunk-stream0-00002.m4s";
        // Asked for a moment before its upload starts: held until it does (its answer's headers wait for it).
        var opening = StreamingViewer.OpenAsync(deliveryC.Delivery, next, Cancellation);
        await deliveryC.WaitForHeldRequestAsync(Cancellation);
        using var created = await ingestD.Ingest.PutAsync(new Uri(next, UriKind.Relative), new ByteArrayContent(second), Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var early = await opening;
        Assert.Equal(HttpStatusCode.OK, early.Response.StatusCode);
        Assert.True(await early.WaitForEndAsync(Cancellation));
        Assert.Equal(second, early.Received);
        Assert.Equal(ObjectState.Complete, (await deliveryC.CurrentMetaAsync(next))?.State);
    }
}
