using CmafOrigin.Delivery.Feeds;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Feeds;

/// <summary>One reader per in-progress object, whatever the number of viewers.</summary>
public sealed class LiveFeedHubTests
{
    private const int Chunks = 12;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisReadsPerChunk_DoNotGrowWithViewers()
    {
        // A Redis of its own, so its command counters see only this test.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis);

        var readsForOne = await StreamReadsWhileWatchingAsync(origin, viewers: 1);
        var readsForForty = await StreamReadsWhileWatchingAsync(origin, viewers: 40);

        // Each chunk wakes the one feed once, however many viewers it has; unshared readers
        // would have read about 40 times as often.
        Assert.InRange(readsForOne, 1, 2 * Chunks);
        Assert.InRange(readsForForty, 1, 2 * Chunks);
        Assert.Equal(0, origin.DeliveryServices.GetRequiredService<LiveFeedHub>().FeedCount);
    }

    private static async Task<long> StreamReadsWhileWatchingAsync(OriginHost origin, int viewers)
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 0), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 1000, Cancellation);

        var watching = await Task.WhenAll(Enumerable.Range(0, viewers).Select(_ => StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation)));
        foreach (var viewer in watching)
        {
            await viewer.WaitForBytesAsync(1000, Cancellation);
        }

        var before = await origin.Redis.CommandCallsAsync("xread");
        for (var i = 1; i <= Chunks; i++)
        {
            await upload.SendAsync(TestPaths.Payload(1000, i), Cancellation);
            foreach (var viewer in watching)
            {
                await viewer.WaitForBytesAsync(1000 * (i + 1), Cancellation);
            }
        }

        var reads = await origin.Redis.CommandCallsAsync("xread") - before;
        (await upload.CompleteAsync(Cancellation)).Dispose();
        foreach (var viewer in watching)
        {
            Assert.True(await viewer.WaitForEndAsync(Cancellation));
            await viewer.DisposeAsync();
        }

        return reads;
    }
}
