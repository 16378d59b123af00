using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Storage;

/// <summary>How Delivery looks objects up on Redis when many viewers ask at once.</summary>
public sealed class ObjectReaderTests
{
    private const int Viewers = 40;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ViewersWokenByOneUploadStart_ShareOneLookup()
    {
        // A Redis of its own, so its command counters see only this test.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var signals = origin.DeliveryServices.GetRequiredService<Delivery.Feeds.UploadStartSignals>();

        // Viewers ask a moment before the encoder starts the segment, as low-latency players do.
        var early = Enumerable.Range(0, Viewers)
            .Select(_ => origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation))
            .ToList();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            while (signals.Count == 0 || (await redis.CommandCallsAsync("get")) < Viewers)
            {
                await Task.Delay(10, deadline.Token);
            }
        }

        // Counted where Delivery makes them: Ingest's scripts run commands of the same names on the same Redis.
        var reads = origin.DeliveryServices.GetRequiredService<RedisReads>();
        var (lookupsBefore, currentBefore) = (reads.CountOf(RedisReadCommand.HashGetAll), reads.CountOf(RedisReadCommand.Get));
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync([1, 2, 3], Cancellation);
        var responses = await Task.WhenAll(early).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var lookups = reads.CountOf(RedisReadCommand.HashGetAll) - lookupsBefore;
        var currentReads = reads.CountOf(RedisReadCommand.Get) - currentBefore;
        (await upload.CompleteAsync(Cancellation)).Dispose();

        Assert.All(responses, response => Assert.True(response.IsSuccessStatusCode));
        // One lookup for all of them (a few more if some woke late); without sharing, one each. The STARTED event names
        // the version, so the woken lookup reads it directly, without asking Redis which version is current.
        Assert.InRange(lookups, 1, Viewers / 4);
        Assert.Equal(0, currentReads);
        foreach (var response in responses)
        {
            Assert.Equal([1, 2, 3], await response.Content.ReadAsByteArrayAsync(Cancellation));
            response.Dispose();
        }

        Assert.Equal(ObjectState.Complete, (await origin.CurrentMetaAsync(path))?.State);
    }
}
