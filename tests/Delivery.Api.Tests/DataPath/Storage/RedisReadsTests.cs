using CmafOrigin.Delivery.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Storage;

/// <summary>
/// What following a live segment costs Redis, as each Delivery instance counts it (<see cref="RedisReads"/>) and as
/// Redis itself counts it (INFO commandstats): per chunk, one read per Delivery instance, whatever its viewers.
/// </summary>
public sealed class RedisReadsTests
{
    private const int Chunks = 10;
    private const int ChunkBytes = 4000;

    /// <summary>The most commands one viewer's request adds, once per segment: GET, HGETALL and PTTL of its lookup.</summary>
    private const int LookupCommands = 3;

    /// <summary>
    /// The commands only Delivery sends in this test. Redis counts the commands a script runs too, so Ingest's scripts
    /// add GET and EXISTS (append, complete), and its Complete reads the channel hash with HGETALL.
    /// </summary>
    private static readonly RedisReadCommand[] CrossChecked = [RedisReadCommand.StreamRead, RedisReadCommand.TimeToLive];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ReadsPerChunk_GrowWithDeliveryInstances_NotWithViewers()
    {
        // A Redis of its own, so its command counters see only this test.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis);
        await using var second = await origin.StartDeliveryAsync();
        Edge a = new(origin.Delivery, origin.DeliveryServices.GetRequiredService<RedisReads>());
        Edge b = new(second.Client, second.Services.GetRequiredService<RedisReads>());

        var oneViewer = await FollowSegmentAsync(redis, origin, [a, b], [1, 0]);
        var twentyViewers = await FollowSegmentAsync(redis, origin, [a, b], [20, 0]);
        var twoInstances = await FollowSegmentAsync(redis, origin, [a, b], [10, 10]);

        Output?.WriteLine($"{Chunks} chunks; 1 instance, 1 viewer: {oneViewer}");
        Output?.WriteLine($"{Chunks} chunks; 1 instance, 20 viewers: {twentyViewers}");
        Output?.WriteLine($"{Chunks} chunks; 2 instances, 10 viewers each: {twoInstances}");

        // One instance reads each chunk once (an XREAD when its event wakes the segment's one feed) and the end marker
        // once; a quiet spell long enough for the safety re-check would add two (XREAD, EXISTS).
        Assert.InRange(oneViewer.Following[0], Chunks, Chunks + 2);
        // Twenty viewers of it: the same reads per chunk.
        Assert.InRange(twentyViewers.Following[0], oneViewer.Following[0] - 2, oneViewer.Following[0] + 2);
        // The same twenty viewers on two instances: each instance reads every chunk, so the total doubles.
        Assert.All(twoInstances.Following, reads => Assert.InRange(reads, Chunks, Chunks + 2));
        Assert.InRange(twoInstances.Following.Sum(), (2 * oneViewer.Following[0]) - 4, (2 * oneViewer.Following[0]) + 4);

        // A viewer costs Redis once per segment it asks for (its lookup, shared with others asking at the same moment),
        // never per chunk; and an instance no viewer asks reads nothing.
        Assert.InRange(twentyViewers.Requests[0], 1, (20 * LookupCommands) + 1);
        Assert.Equal(0, oneViewer.Requests[1] + oneViewer.Following[1]);

        // Redis counted the same commands as the instances did.
        foreach (var run in new[] { oneViewer, twentyViewers, twoInstances })
        {
            Assert.Equal(run.ByRedis, run.Counted);
        }
    }

    /// <summary>Uploads one segment in <see cref="Chunks"/> paced chunks while <paramref name="viewers"/> (per edge) follow it.</summary>
    private static async Task<SegmentReads> FollowSegmentAsync(RedisServer redis, OriginHost origin, Edge[] edges, int[] viewers)
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(ChunkBytes, 0), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == ChunkBytes, Cancellation);

        var start = Totals(edges);
        var countedAtStart = CountedByCommand(edges);
        var redisAtStart = await RedisByCommandAsync(redis);

        // 1. Every viewer asks for the segment and gets its first chunk.
        var watching = (await Task.WhenAll(edges.SelectMany((edge, i) => Enumerable.Range(0, viewers[i])
            .Select(_ => StreamingViewer.OpenAsync(edge.Client, path, Cancellation))))).ToList();
        try
        {
            foreach (var viewer in watching)
            {
                await viewer.WaitForBytesAsync(ChunkBytes, Cancellation);
            }

            var attached = Totals(edges);

            // 2. The encoder sends the rest, one chunk at a time, each received by every viewer before the next.
            for (var i = 1; i < Chunks; i++)
            {
                await upload.SendAsync(TestPaths.Payload(ChunkBytes, i), Cancellation);
                foreach (var viewer in watching)
                {
                    await viewer.WaitForBytesAsync(ChunkBytes * (i + 1), Cancellation);
                }
            }

            (await upload.CompleteAsync(Cancellation)).Dispose();
            foreach (var viewer in watching)
            {
                Assert.True(await viewer.WaitForEndAsync(Cancellation));
                Assert.Equal(ChunkBytes * Chunks, viewer.Received.Length);
            }

            var end = Totals(edges);
            return new SegmentReads(
                Requests: [.. attached.Zip(start, (after, before) => after - before)],
                Following: [.. end.Zip(attached, (after, before) => after - before)],
                Counted: Difference(CountedByCommand(edges), countedAtStart),
                ByRedis: Difference(await RedisByCommandAsync(redis), redisAtStart));
        }
        finally
        {
            foreach (var viewer in watching)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    private static long[] Totals(Edge[] edges) => [.. edges.Select(edge => edge.Reads.Total)];

    private static Dictionary<string, long> CountedByCommand(Edge[] edges) =>
        CrossChecked.ToDictionary(RedisReads.NameOf, command => edges.Sum(edge => edge.Reads.CountOf(command)));

    private static async Task<Dictionary<string, long>> RedisByCommandAsync(RedisServer redis)
    {
        var calls = new Dictionary<string, long>();
        foreach (var command in CrossChecked)
        {
            calls[RedisReads.NameOf(command)] = await redis.CommandCallsAsync(RedisReads.NameOf(command));
        }

        return calls;
    }

    private static SortedDictionary<string, long> Difference(Dictionary<string, long> after, Dictionary<string, long> before) =>
        new(after.ToDictionary(pair => pair.Key, pair => pair.Value - before[pair.Key]));

    /// <summary>A Delivery instance: a player's client of it and its counter of Redis reads.</summary>
    private sealed record Edge(HttpClient Client, RedisReads Reads);

    /// <summary>Redis commands per instance while the viewers asked (<paramref name="Requests"/>) and while they followed the segment's chunks (<paramref name="Following"/>).</summary>
    private sealed record SegmentReads(long[] Requests, long[] Following, SortedDictionary<string, long> Counted, SortedDictionary<string, long> ByRedis)
    {
        public override string ToString() =>
            $"requests {string.Join('+', Requests)}, following {string.Join('+', Following)} ({Following.Sum() / (double)Chunks:0.00} per chunk); "
            + $"counted {string.Join(' ', Counted.Select(c => $"{c.Key}={c.Value}"))}; by Redis {string.Join(' ', ByRedis.Select(c => $"{c.Key}={c.Value}"))}";
    }
}
