using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Tests.Storage;

/// <summary>How Delivery looks objects up on Redis when many viewers ask at once.</summary>
public sealed class ObjectReaderTests
{
    private const int Viewers = 40;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ViewersWokenByOneUploadStart_BindToTheVersionItsEventDescribes_WithoutALookup()
    {
        // A Redis of its own: no other test's commands share its connection queue or its time.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var signals = origin.DeliveryServices.GetRequiredService<Delivery.Feeds.UploadStartSignals>();

        // Viewers ask a moment before the encoder starts the segment, as low-latency players do.
        var early = Enumerable.Range(0, Viewers)
            .Select(_ => origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation))
            .ToList();

        // Each viewer looks, registers for the start, and at once looks again (so a start in between is not missed):
        // the segment starts once every viewer is registered and its second look (sent right after) has run on Redis,
        // which the PING on Delivery's connection, answered after them, tells. A viewer whose second look saw the start
        // would bind with a lookup, rightly: it was not woken.
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            while (signals.Waiting < Viewers)
            {
                await Task.Delay(10, deadline.Token);
            }
        }

        // Counted where Delivery makes them: Ingest's scripts run commands of the same names on the same Redis.
        var reads = origin.DeliveryServices.GetRequiredService<RedisReads>();

        await origin.DeliveryServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var (lookupsBefore, currentBefore) = (reads.CountOf(RedisReadCommand.HashGetAll), reads.CountOf(RedisReadCommand.Get));
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync([1, 2, 3], Cancellation);
        var responses = await Task.WhenAll(early).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var lookups = reads.CountOf(RedisReadCommand.HashGetAll) - lookupsBefore;
        var currentReads = reads.CountOf(RedisReadCommand.Get) - currentBefore;
        (await upload.CompleteAsync(Cancellation)).Dispose();

        Assert.All(responses, response => Assert.True(response.IsSuccessStatusCode));
        // The STARTED event names the version and carries the meta its begin wrote: no viewer asks Redis which version is
        // current, nor reads that version's meta, between the start and its response head (before, one lookup shared
        // by all of them; before that, one each).
        Assert.Equal(0, lookups);
        Assert.Equal(0, currentReads);
        foreach (var response in responses)
        {
            Assert.Equal("video/iso.segment", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal([1, 2, 3], await response.Content.ReadAsByteArrayAsync(Cancellation));
            response.Dispose();
        }

        Assert.Equal(ObjectState.Complete, (await origin.CurrentMetaAsync(path))?.State);
    }
}
