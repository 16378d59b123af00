using CmafOrigin.Contracts.Paths;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>How objects live on Redis: retention, expiry of remains, cluster slots.</summary>
public sealed class ObjectStoreTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompletedObjects_ExpireAfterRetention_LeavingNoKeys()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:CompletedRetention"] = "00:00:01" });
        var channel = TestPaths.Channel();
        foreach (var name in new[] { "init-stream0.m4s", "chunk-stream0-00001.m4s", "out.mpd", "out.mpd" })
        {
            (await origin.Ingest.PutAsync(new Uri($"/{channel}/{name}", UriKind.Relative), new ByteArrayContent([1, 2]), Cancellation)).Dispose();
        }

        Assert.NotEmpty(await origin.StoredKeysAsync(channel));
        await WaitUntilEmptyAsync(origin, channel, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AbortedUploads_ExpireAfterTheirRetention()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:AbortedRetention"] = "00:00:01" });
        var channel = TestPaths.Channel();
        await origin.UploadThenDropAsync($"/{channel}/chunk-stream0-00001.m4s", [1, 2, 3], Cancellation);

        await WaitUntilEmptyAsync(origin, channel, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task UploadingKeys_CarryATtl_SoADeadIngestLeavesNothingForever()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await using var upload = PacedUpload.Start(origin.Ingest, $"/{channel}/chunk-stream0-00001.m4s");
        await upload.SendAsync([1, 2, 3], Cancellation);
        await origin.WaitForCurrentAsync($"/{channel}/chunk-stream0-00001.m4s", meta => meta?.Size == 3, Cancellation);

        var db = redis.Connection.GetDatabase();
        foreach (var key in await origin.StoredKeysAsync(channel))
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero, $"{key} has no TTL");
        }
    }

    [Fact]
    public void KeysOfOneChannel_ShareOneClusterSlot()
    {
        var keys = new Contracts.Storage.ObjectKeys("cmaf");
        var manifest = ObjectPath.Parse("/live/demo/out.mpd");
        var segment = ObjectPath.Parse("/live/demo/chunk-stream1-00042.m4s");

        string[] tags =
        [
            HashTag(keys.Current(manifest)),
            HashTag(keys.Meta(manifest, "v1")),
            HashTag(keys.Chunks(segment, "v2")),
            HashTag(keys.Current(segment)),
        ];

        Assert.Equal(["live/demo"], tags.Distinct());
        Assert.Equal("/", HashTag(keys.Current(ObjectPath.Parse("/out.mpd"))));
        Assert.Equal("live/other", HashTag(keys.Current(ObjectPath.Parse("/live/other/out.mpd"))));
    }

    /// <summary>What Redis Cluster hashes: the text between the first '{' and the next '}', when not empty.</summary>
    private static string HashTag(StackExchange.Redis.RedisKey redisKey)
    {
        var key = redisKey.ToString();
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        Assert.True(close > open + 1, $"{key} has no hash tag");
        return key[(open + 1)..close];
    }

    private static async Task WaitUntilEmptyAsync(OriginHost origin, string channel, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(timeout);
        while ((await origin.StoredKeysAsync(channel)).Count > 0)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
