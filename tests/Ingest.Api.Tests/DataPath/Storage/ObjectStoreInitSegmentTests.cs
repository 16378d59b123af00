using System.Net;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>
/// Init segments are uploaded once per encoder run: they must outlive the retention while their channel is
/// published, and expire like everything else once it stops.
/// </summary>
public sealed class ObjectStoreInitSegmentTests(RedisServer redis)
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan SegmentInterval = TimeSpan.FromMilliseconds(400);

    // A GET of a missing object answers 404 at once rather than waiting for an upload to begin.
    private static Dictionary<string, string?> ShortRetention => new()
    {
        ["Ingest:CompletedRetention"] = "00:00:02",
        ["Delivery:EarlyRequestWait"] = "00:00:00.050",
    };

    [Fact]
    public async Task InitSegmentUploadedOnce_IsServedWhileTheChannelIsPublished_ThenExpiresAfterIt()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        var channel = TestPaths.Channel();
        byte[] init = [1, 2, 3, 4, 5];
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", init, timeout.Token);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic, timeout.Token);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", [9], timeout.Token);
        var firstSegmentDone = DateTimeOffset.UtcNow;

        // Four retention periods of publishing; the init segment is asked for all along.
        var number = 2;
        var firstSegmentGoneAt = TimeSpan.Zero;
        var publishing = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - publishing < 4 * Retention)
        {
            await PutAsync(origin, $"/{channel}/chunk-stream0-{number++:D5}.m4s", [9], timeout.Token);
            await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic, timeout.Token);
            var (status, body) = await GetAsync(origin, $"/{channel}/init-stream0.m4s", timeout.Token);
            Assert.True(status == HttpStatusCode.OK, $"init segment answered {status} after {DateTimeOffset.UtcNow - publishing} of publishing");
            Assert.Equal(init, body);
            if (firstSegmentGoneAt == TimeSpan.Zero && (await GetAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", timeout.Token)).Status == HttpStatusCode.NotFound)
            {
                firstSegmentGoneAt = DateTimeOffset.UtcNow - firstSegmentDone;
            }

            await Task.Delay(SegmentInterval, timeout.Token);
        }

        // A media segment still expires on time while the channel goes on.
        Assert.True(firstSegmentGoneAt > TimeSpan.Zero, "the first media segment outlived four retention periods");
        Assert.InRange(firstSegmentGoneAt, Retention - TimeSpan.FromMilliseconds(500), Retention + TimeSpan.FromSeconds(3));

        // Publishing stops: the init segment goes about one retention later, and with it every key.
        var stopped = DateTimeOffset.UtcNow;
        var gone = await WaitUntilNotFoundAsync(origin, $"/{channel}/init-stream0.m4s", Retention + TimeSpan.FromSeconds(5), timeout.Token);
        Assert.True(gone, "the init segment outlived its channel");
        Assert.True(DateTimeOffset.UtcNow - stopped >= Retention - TimeSpan.FromMilliseconds(500), "the init segment went before its retention was over");
        await WaitUntilNoKeysAsync(origin, channel, TimeSpan.FromSeconds(10), timeout.Token);
    }

    [Fact]
    public async Task ReplacedInitSegment_TheNewVersionIsKept()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1, 1, 1], timeout.Token);
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [2, 2, 2], timeout.Token);

        await PublishAsync(origin, channel, 3 * Retention, timeout.Token);

        var (status, body) = await GetAsync(origin, $"/{channel}/init-stream0.m4s", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([2, 2, 2], body);
        var recorded = await Database(origin).HashGetAsync(origin.Keys.Channel(channel), ChannelFields.InitSegmentPrefix + "init-stream0.m4s");
        Assert.Equal((string?)await Database(origin).StringGetAsync(origin.Keys.Current(Path(channel, "init-stream0.m4s"))), (string?)recorded);
    }

    [Fact]
    public async Task InitSegmentNamedByTheManifestsTemplate_IsKept()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.CustomTemplates, timeout.Token);
        await PutAsync(origin, $"/{channel}/v-hd-init.cmfv", [7, 7], timeout.Token);
        await PutAsync(origin, $"/{channel}/v-hd-000001.cmfv", [8], timeout.Token);

        await PublishAsync(origin, channel, 3 * Retention, timeout.Token, manifest: Manifests.CustomTemplates);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(origin, $"/{channel}/v-hd-init.cmfv", timeout.Token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(origin, $"/{channel}/v-hd-000001.cmfv", timeout.Token)).Status);
    }

    [Fact]
    public async Task Delete_RemovesARecordedInitSegment_AndPublishingDoesNotBringItBack()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(30));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1, 2], timeout.Token);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic, timeout.Token);
        Assert.True(await Database(origin).HashExistsAsync(origin.Keys.Channel(channel), ChannelFields.InitSegmentPrefix + "init-stream0.m4s"));

        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/init-stream0.m4s", UriKind.Relative), timeout.Token)).Dispose();
        await PublishAsync(origin, channel, SegmentInterval * 3, timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(origin, $"/{channel}/init-stream0.m4s", timeout.Token)).Status);
        Assert.DoesNotContain(await origin.StoredKeysAsync(channel), key => key.Contains(":init-stream0.m4s:", StringComparison.Ordinal));
        Assert.False(await Database(origin).HashExistsAsync(origin.Keys.Channel(channel), ChannelFields.InitSegmentPrefix + "init-stream0.m4s"));
    }

    [Fact]
    public async Task InitSegmentsKeys_AreAllExtended_SoDeleteStillFindsEveryVersion()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1, 2], timeout.Token);

        await PublishAsync(origin, channel, 2 * Retention, timeout.Token);

        var db = Database(origin);
        var path = Path(channel, "init-stream0.m4s");
        var version = (string)(await db.StringGetAsync(origin.Keys.Current(path)))!;
        // Two retention periods after its upload: without the extension every one of these would be gone.
        foreach (var key in new RedisKey[] { origin.Keys.Current(path), origin.Keys.Versions(path), origin.Keys.Meta(path, version), origin.Keys.Chunks(path, version) })
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= Retention, $"{key} expires in {ttl}");
        }

        var score = await db.SortedSetScoreAsync(origin.Keys.Versions(path), version);
        Assert.True(score > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "the version's score in the versions set was not extended");
    }

    [Fact]
    public async Task InitSegment_OutlivesAQuietGap_AfterWhichTheEncoderGoesOnWithoutUploadingItAgain()
    {
        // A network blip or a rolling restart of Ingest longer than Catalog:EndedAfter: the channel restarts in
        // the catalog, but the encoder never uploads its init segments again, so they must stay kept.
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>(ShortRetention) { ["Catalog:EndedAfter"] = "00:00:01" });
        var channel = TestPaths.Channel();
        byte[] init = [4, 3, 2, 1];
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", init, timeout.Token);
        await PublishAsync(origin, channel, Retention, timeout.Token);

        await Task.Delay(TimeSpan.FromSeconds(1.5), timeout.Token);
        await PublishAsync(origin, channel, 3 * Retention, timeout.Token);

        var (status, body) = await GetAsync(origin, $"/{channel}/init-stream0.m4s", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(init, body);
    }

    [Fact]
    public async Task InitSegmentAtTheRoot_IsKeptWhileTheRootChannelIsPublished()
    {
        using var timeout = Deadline(TimeSpan.FromSeconds(60));
        await using var origin = await OriginHost.StartAsync(redis, ShortRetention);
        byte[] init = [7, 7, 7];
        await PutAsync(origin, "/init-stream0.m4s", init, timeout.Token);

        var started = DateTimeOffset.UtcNow;
        for (var number = 1; DateTimeOffset.UtcNow - started < 3 * Retention; number++)
        {
            await PutAsync(origin, $"/chunk-stream0-{number:D5}.m4s", [9], timeout.Token);
            await PutAsync(origin, "/out.mpd", Manifests.Dynamic, timeout.Token);
            await Task.Delay(SegmentInterval, timeout.Token);
        }

        var (status, body) = await GetAsync(origin, "/init-stream0.m4s", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(init, body);
    }

    /// <summary>A manifest and a media segment every <see cref="SegmentInterval"/>, as a live encoder publishes.</summary>
    private static async Task PublishAsync(OriginHost origin, string channel, TimeSpan duration, CancellationToken cancellationToken, byte[]? manifest = null)
    {
        var started = DateTimeOffset.UtcNow;
        for (var number = 100; DateTimeOffset.UtcNow - started < duration; number++)
        {
            await PutAsync(origin, $"/{channel}/chunk-stream0-{number:D5}.m4s", [9], cancellationToken);
            await PutAsync(origin, $"/{channel}/out.mpd", manifest ?? Manifests.Dynamic, cancellationToken);
            await Task.Delay(SegmentInterval, cancellationToken);
        }
    }

    private static async Task<bool> WaitUntilNotFoundAsync(OriginHost origin, string path, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if ((await GetAsync(origin, path, cancellationToken)).Status == HttpStatusCode.NotFound)
            {
                return true;
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    private static async Task WaitUntilNoKeysAsync(OriginHost origin, string channel, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        IReadOnlyList<string> left;
        while ((left = await origin.StoredKeysAsync(channel)).Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
        }

        Assert.Empty(left);
    }

    private static async Task PutAsync(OriginHost origin, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(OriginHost origin, string path, CancellationToken cancellationToken)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    private static IDatabase Database(OriginHost origin) => origin.Redis.Connection.GetDatabase();

    private static Contracts.Paths.ObjectPath Path(string channel, string name) => Contracts.Paths.ObjectPath.Parse($"/{channel}/{name}");

    private static CancellationTokenSource Deadline(TimeSpan within)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(within);
        return source;
    }
}
