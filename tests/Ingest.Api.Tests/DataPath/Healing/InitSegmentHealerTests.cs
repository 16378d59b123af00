using System.Diagnostics;
using System.Net;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using CmafOrigin.Ingest.Tests.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Healing;

/// <summary>
/// What Redis loses of a channel still being pushed (restarted empty, a replica promoted that missed the last writes)
/// is put back from Ingest's copies of its init segments, against a real redis-server. The loss is made by deleting
/// every key of the test's origin.
/// </summary>
public sealed class InitSegmentHealerTests(RedisServer redis)
{
    private const string InitName = "init-stream0.m4s";

    private static readonly byte[] Init = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p', 1, 2, 3];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LostInitSegment_IsPutBackAsItWas_OnceAnUploadOfItsChannelBegins()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        var version = await CurrentVersionAsync(origin, channel);

        await LoseEverythingAsync(origin);

        // The encoder goes on as ffmpeg does: segments and manifests, never the init segment again.
        var waited = Stopwatch.StartNew();
        for (var number = 1; await CurrentVersionAsync(origin, channel) is null; number++)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"{InitName} was not put back within {waited.Elapsed.TotalSeconds:0.0} s of uploads");
            await PutAsync(origin, $"/{channel}/chunk-stream0-{number:D5}.m4s", [9]);
            await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
            await Task.Delay(200, Cancellation);
        }

        Assert.Equal(version, await CurrentVersionAsync(origin, channel));
        Assert.Equal(Init, await GetAsync(origin, $"/{channel}/{InitName}"));
        var db = origin.Redis.Connection.GetDatabase();
        Assert.Equal(version, (string?)await db.HashGetAsync(origin.Keys.Channel(channel), ChannelFields.InitSegmentPrefix + InitName));
        Assert.Equal(ChannelFields.Live, (string?)await db.HashGetAsync(origin.Keys.Channel(channel), ChannelFields.State));
        Assert.True(await db.KeyTimeToLiveAsync(origin.Keys.Channel(channel)) is { } ttl && ttl > TimeSpan.Zero, "the channel's hash does not expire");
    }

    [Fact]
    public async Task HealAll_WhenRedisKeptTheInitSegment_WritesNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        var path = ObjectPath.Parse($"/{channel}/{InitName}");
        var version = (await CurrentVersionAsync(origin, channel))!;
        var db = origin.Redis.Connection.GetDatabase();
        var entries = await db.StreamLengthAsync(origin.Keys.Chunks(path, version));

        var restored = await Healer(origin).HealAllAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, restored);
        Assert.Equal([version], (await db.SortedSetRangeByRankAsync(origin.Keys.Versions(path))).Select(v => (string?)v));
        Assert.Equal(entries, await db.StreamLengthAsync(origin.Keys.Chunks(path, version)));
    }

    [Fact]
    public async Task RestoreFromManyIngestsAtOnce_StoresTheInitSegmentOnce()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        var held = Held(channel, DateTimeOffset.UtcNow);
        var store = origin.IngestServices.GetRequiredService<ObjectStore>();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.RestoreAsync(held))).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Single(results, outcome => outcome == RestoreOutcome.Restored);
        var db = origin.Redis.Connection.GetDatabase();
        Assert.Equal([held.Version], (await db.SortedSetRangeByRankAsync(origin.Keys.Versions(held.Path))).Select(v => (string?)v));
        Assert.Equal(2, await db.StreamLengthAsync(origin.Keys.Chunks(held.Path, held.Version)));
        Assert.Equal(Init, await GetAsync(origin, held.Path.Value.Insert(0, "/")));
        Assert.Equal(1, (long)await db.HashGetAsync(origin.Keys.Channel(channel), ChannelFields.Objects));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restore_NeverReplacesANewerVersion_WhicheverIngestComesFirst(bool olderFirst)
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        var older = Held(channel, DateTimeOffset.UtcNow.AddSeconds(-30));
        var newer = Held(channel, DateTimeOffset.UtcNow) with { Body = new byte[] { 4, 5, 6 } };
        var store = origin.IngestServices.GetRequiredService<ObjectStore>();

        foreach (var copy in olderFirst ? new[] { older, newer } : [newer, older])
        {
            await store.RestoreAsync(copy).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        }

        Assert.Equal(newer.Version, await CurrentVersionAsync(origin, channel));
        Assert.Equal([4, 5, 6], await GetAsync(origin, newer.Path.Value.Insert(0, "/")));
        Assert.Equal(newer.Version, (string?)await origin.Redis.Connection.GetDatabase().HashGetAsync(origin.Keys.Channel(channel), ChannelFields.InitSegmentPrefix + InitName));
    }

    [Fact]
    public async Task DeletedInitSegment_IsNotPutBack()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        await DeleteAsync(origin.Ingest, $"/{channel}/{InitName}");
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);

        await LoseEverythingAsync(origin);
        var restored = await Healer(origin).HealAllAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, restored);
        Assert.Null(await CurrentVersionAsync(origin, channel));
    }

    [Fact]
    public async Task InitSegmentDeletedThroughAnotherIngest_IsNotPutBack_AndTheIngestHoldingItsCopyDropsIt()
    {
        // Behind a load balancer the encoder's PUT and its DELETE of an init segment may reach different Ingests.
        await using var origin = await OriginHost.StartAsync(redis);
        await using var other = await origin.StartIngestAsync();
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        Assert.Equal(HttpStatusCode.OK, await DeleteAsync(other.Client, $"/{channel}/{InitName}"));

        var restored = await Healer(origin).HealAllAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, restored);
        Assert.Null(await CurrentVersionAsync(origin, channel));
        using var served = await origin.Delivery.GetAsync(new Uri($"/{channel}/{InitName}", UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, served.StatusCode);
        Assert.Empty(origin.IngestServices.GetRequiredService<InitSegmentCopies>().ToCheck(channel, force: true));
    }

    [Fact]
    public async Task InitSegmentUploadedAgainAfterItsDelete_IsPutBackWhenRedisLosesIt()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        await DeleteAsync(origin.Ingest, $"/{channel}/{InitName}");
        byte[] again = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p', 4, 5, 6];
        await PutAsync(origin, $"/{channel}/{InitName}", again);
        var version = await CurrentVersionAsync(origin, channel);

        // Everything but the record of the deletion is lost (a replica promoted that missed the last writes).
        var db = origin.Redis.Connection.GetDatabase();
        await db.KeyDeleteAsync([.. (await origin.StoredKeysAsync(channel)).Where(key => key != origin.Keys.ChannelDeletedInitSegments(channel).ToString()).Select(key => (RedisKey)key)]);
        var restored = await Healer(origin).HealAllAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(1, restored);
        Assert.Equal(version, await CurrentVersionAsync(origin, channel));
        Assert.Equal(again, await GetAsync(origin, $"/{channel}/{InitName}"));
    }

    [Fact]
    public async Task PurgedChannel_IsNotPutBack()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/{InitName}", Init);
        await origin.IngestServices.GetRequiredService<Ingest.Control.ChannelPurge>().PurgeAsync(channel, Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        var restored = await Healer(origin).HealAllAsync().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, restored);
        Assert.Empty(await origin.StoredKeysAsync(channel));
    }

    private static HeldInitSegment Held(string channel, DateTimeOffset at) =>
        new(ObjectPath.Parse($"/{channel}/{InitName}"), VersionIds.New(at), "video/mp4", Init, at);

    private static InitSegmentHealer Healer(OriginHost origin) => origin.IngestServices.GetRequiredService<InitSegmentHealer>();

    /// <summary>As a Redis restarted empty: every key of this origin gone at once.</summary>
    private static async Task LoseEverythingAsync(OriginHost origin)
    {
        var keys = await origin.StoredKeysAsync();
        await origin.Redis.Connection.GetDatabase().KeyDeleteAsync([.. keys.Select(key => (RedisKey)key)]).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }

    private static async Task<string?> CurrentVersionAsync(OriginHost origin, string channel) =>
        await origin.Redis.Connection.GetDatabase().StringGetAsync(origin.Keys.Current(ObjectPath.Parse($"/{channel}/{InitName}")));

    private static async Task PutAsync(OriginHost origin, string path, byte[] body)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>DELETEs <paramref name="path"/> through the Ingest <paramref name="ingest"/> is a client of; its status.</summary>
    private static async Task<HttpStatusCode> DeleteAsync(HttpClient ingest, string path)
    {
        using var response = await ingest.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        return response.StatusCode;
    }

    private static async Task<byte[]> GetAsync(OriginHost origin, string path)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }
}
