using System.Diagnostics.Metrics;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Tests.Feeds;

/// <summary>
/// A feed of a version whose Ingest died mid-upload: nothing more comes and no abort marker either. The version states
/// its writer's idle timeout (10 s here); silent on the feed for that plus the margin (2 s), it is aborted. The clock is
/// fake; the version is on a real redis-server, written as Ingest's scripts write it.
/// </summary>
public sealed class LiveObjectFeedTests(RedisServer redis) : IAsyncDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SafetyRecheck = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ObjectKeys _keys = new($"feed-{Guid.NewGuid():N}");
    private readonly ObjectPath _path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
    private RedisReads? _reads;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IDatabase Db => redis.Connection.GetDatabase();

    [Fact]
    public async Task Feed_WhosePiecesKeepComing_StaysLive_PastTheLimit()
    {
        await using var feed = await StartFeedAsync(IdleTimeout);

        // A piece every 5 s for 30 s: never silent as long as the writer's idle timeout.
        for (var piece = 1; piece <= 6; piece++)
        {
            await AppendAsync(piece);
            _time.Advance(TimeSpan.FromSeconds(5));
            feed.Wake();
            await WaitForChunksAsync(feed, piece + 1);
        }

        Assert.Equal(FeedState.Live, feed.Snapshot().State);
    }

    [Fact]
    public async Task Feed_SilentForTheWritersIdleTimeoutPlusTheMargin_IsAborted_NotBefore()
    {
        await using var feed = await StartFeedAsync(IdleTimeout);
        var changed = feed.Snapshot().Changed;

        // Just short of the limit, a read finds nothing: still live.
        var readsBefore = Exists;
        _time.Advance(IdleTimeout + Margin - TimeSpan.FromMilliseconds(100));
        feed.Wake();
        await WaitUntilAsync(() => Exists > readsBefore);
        await Task.WhenAny(changed, Task.Delay(300, Cancellation));
        Assert.Equal(FeedState.Live, feed.Snapshot().State);

        // At the limit the re-check falls due by itself (no event, no wake from outside): aborted.
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await changed.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.Equal(FeedState.Aborted, feed.Snapshot().State);
    }

    [Fact]
    public async Task Feed_SilentWithoutALimit_StaysLive_UntilItsKeysGo()
    {
        // A version from an Ingest that states no idle timeout: only its marker or its expiry ends it, as before.
        await using var feed = await StartFeedAsync(idleTimeout: null);

        var readsBefore = Exists;
        _time.Advance(TimeSpan.FromSeconds(29));
        feed.Wake();
        await WaitUntilAsync(() => Exists > readsBefore);
        await Task.Delay(300, Cancellation);
        Assert.Equal(FeedState.Live, feed.Snapshot().State);

        await Db.KeyDeleteAsync([_keys.Meta(_path, "v1"), _keys.Chunks(_path, "v1")]);
        feed.Wake();
        await feed.Snapshot().Changed.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.Equal(FeedState.Aborted, feed.Snapshot().State);
    }

    [Fact]
    public async Task Feed_WokenForEachOfManyPiecesFromManyThreads_ReadsThemAll_InOrder_WithoutItsRecheck()
    {
        // The fake clock stands still: the safety re-check never falls due, so a wake lost while a read ran would leave
        // the last pieces unread for good.
        await using var feed = await StartFeedAsync(IdleTimeout);

        await Parallel.ForAsync(1, 201, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Cancellation }, async (_, _) =>
        {
            await AppendAsync(0);
            feed.Wake();
        });

        await WaitForChunksAsync(feed, 201);
        var chunks = feed.Snapshot().Chunks;
        var stored = await Db.StreamRangeAsync(_keys.Chunks(_path, "v1"));
        Assert.Equal(stored.Select(entry => (byte[])entry[ObjectFields.Data]!), chunks.Take(201).Select(chunk => chunk.Data.ToArray()));
    }

    [Fact]
    public async Task Feed_ThatReadItsEndMarker_CostsNoReadForTheEventsThatStillCome()
    {
        await using var feed = await StartFeedAsync(IdleTimeout);
        await Db.StreamAddAsync(_keys.Chunks(_path, "v1"), ObjectFields.End, 100);
        feed.Wake();
        while (feed.Snapshot() is { State: FeedState.Live } snapshot)
        {
            await snapshot.Changed.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        }

        Assert.Equal(FeedState.Complete, feed.Snapshot().State);
        var readsAtEnd = _reads!.Total;
        for (var i = 0; i < 10; i++)
        {
            // The COMPLETED event, a DELETE of the path, a reconnection: each wakes every feed it concerns.
            feed.Wake();
        }

        _time.Advance(SafetyRecheck);
        await Task.Delay(200, Cancellation);
        Assert.Equal(readsAtEnd, _reads.Total);
    }

    [Fact]
    public async Task Feed_ClosedWhileWokenOverAndOver_EndsAborted_AndStartsNoReadAfter()
    {
        var feed = await StartFeedAsync(IdleTimeout);
        using var waking = new CancellationTokenSource();
        var waker = Task.Run(
            async () =>
            {
                while (!waking.IsCancellationRequested)
                {
                    feed.Wake();
                    await Task.Yield();
                }
            },
            Cancellation);

        await feed.DisposeAsync();
        Assert.Equal(FeedState.Aborted, feed.Snapshot().State);
        var readsAtClose = _reads!.Total;
        await Task.Delay(200, Cancellation);
        await waking.CancelAsync();
        await waker;
        Assert.Equal(readsAtClose, _reads.Total);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.KeyDeleteAsync([_keys.Meta(_path, "v1"), _keys.Chunks(_path, "v1")]);
        await _services.DisposeAsync();
    }

    /// <summary>Reads that found nothing new (each then checks that the version still exists).</summary>
    private long Exists => _reads!.CountOf(RedisReadCommand.Exists);

    /// <summary>A version uploading with one piece, as begin.lua and append.lua leave it; a feed on it that has read that piece.</summary>
    private async Task<LiveObjectFeed> StartFeedAsync(TimeSpan? idleTimeout)
    {
        var meta = new List<HashEntry> { new("type", "video/iso.segment"), new("state", "uploading"), new("size", 0), new("chunks", 0) };
        if (idleTimeout is { } idle)
        {
            meta.Add(new(ObjectFields.IdleTimeout, (long)idle.TotalMilliseconds));
        }

        await Db.HashSetAsync(_keys.Meta(_path, "v1"), [.. meta]);
        await AppendAsync(0);
        _reads = new RedisReads(_services.GetRequiredService<IMeterFactory>());
        var reader = new ObjectReader(redis.Connection, _keys, _reads, _time);
        var version = new ObjectVersion(_path, "v1", ObjectMeta.FromHash(await Db.HashGetAllAsync(_keys.Meta(_path, "v1")))!, TimeSpan.FromSeconds(30));
        var feed = new LiveObjectFeed(version, reader, SafetyRecheck, Margin, _time, NullLogger.Instance);
        feed.Start();
        await WaitForChunksAsync(feed, 1);
        // Woken once more, it finds nothing new (its EXISTS): from then on it waits for a wake or its re-check.
        feed.Wake();
        await WaitUntilAsync(() => Exists > 0);
        return feed;
    }

    private Task<RedisValue> AppendAsync(int piece) =>
        Db.StreamAddAsync(_keys.Chunks(_path, "v1"), [new(ObjectFields.Data, TestPaths.Payload(100, piece)), new(ObjectFields.ReceivedAt, 0)]);

    private static async Task WaitForChunksAsync(LiveObjectFeed feed, int count)
    {
        while (feed.Snapshot() is { Count: var seen, State: FeedState.Live } snapshot && seen < count)
        {
            await snapshot.Changed.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        }

        Assert.Equal(count, feed.Snapshot().Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
