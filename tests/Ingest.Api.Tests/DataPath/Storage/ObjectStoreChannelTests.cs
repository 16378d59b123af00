using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>The channel side of Ingest's scripts: the channel hash and activity stream kept as objects come and go.</summary>
public sealed class ObjectStoreChannelTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Uploads_KeepTheChannel_WithTracksFromTheManifestAndLatestSegmentPerTrack()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1]);
        await PutAsync(origin, $"/{channel}/init-stream1.m4s", [1]);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", new byte[1000]);
        await PutAsync(origin, $"/{channel}/chunk-stream1-00001.m4s", new byte[100]);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00002.m4s", new byte[1000]);

        var found = await Reader(origin).GetAsync(channel, Cancellation);

        Assert.NotNull(found);
        Assert.Equal(ChannelState.Live, found.State);
        Assert.Equal($"{channel}/out.mpd", found.Manifest);
        Assert.Equal(2, found.LatestSegmentNumber);
        Assert.Collection(
            found.Tracks,
            video =>
            {
                Assert.Equal(("0", "video", "avc1.64001e", 1000000L, 640, 360, 2L), (video.Id, video.ContentType, video.Codecs, video.Bandwidth, video.Width, video.Height, video.LatestSegmentNumber));
            },
            audio =>
            {
                Assert.Equal(("1", "audio", "mp4a.40.2", 64000L, 1L), (audio.Id, audio.ContentType, audio.Codecs, audio.Bandwidth, audio.LatestSegmentNumber));
            });
        Assert.True(found.IngestBitrateBps > 0, "segments completed just now, so the bitrate is not zero");
        Assert.True(found.StartedAt.ToDateTimeOffset() <= found.LastActivityAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task ActivityStream_HoldsTheChannelsEvents_InOrder()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00007.m4s", new byte[10]);
        await origin.UploadThenDropAsync($"/{channel}/chunk-stream1-00007.m4s", [1, 2, 3], Cancellation);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Static);

        var events = await ActivityAsync(origin, channel);

        Assert.Equal(
            [
                (ChannelEventKind.ChannelStarted, "", "", 0L, 0L),
                (ChannelEventKind.ManifestUpdated, $"{channel}/out.mpd", "", 0L, 0L),
                (ChannelEventKind.SegmentStarted, $"{channel}/chunk-stream0-00007.m4s", "0", 7L, 0L),
                (ChannelEventKind.SegmentCompleted, $"{channel}/chunk-stream0-00007.m4s", "0", 7L, 10L),
                (ChannelEventKind.SegmentStarted, $"{channel}/chunk-stream1-00007.m4s", "1", 7L, 0L),
                (ChannelEventKind.SegmentAborted, $"{channel}/chunk-stream1-00007.m4s", "1", 7L, 3L),
                (ChannelEventKind.ManifestUpdated, $"{channel}/out.mpd", "", 0L, 0L),
                (ChannelEventKind.ChannelEnded, "", "", 0L, 0L),
            ],
            events.Select(e => (e.Kind, e.Path, e.Track, e.SegmentNumber, e.Size)));
        Assert.All(events, e => Assert.Equal(channel, e.Channel));
        Assert.Equal(ChannelState.Ended, (await Reader(origin).GetAsync(channel, Cancellation))!.State);
    }

    [Fact]
    public async Task DeletingTheManifest_EndsTheChannel_AndANewPushRestartsIt()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1]);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00040.m4s", [1]);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/chunk-stream0-00040.m4s", UriKind.Relative), Cancellation)).Dispose();
        Assert.Equal(ChannelState.Live, (await Reader(origin).GetAsync(channel, Cancellation))!.State);

        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/out.mpd", UriKind.Relative), Cancellation)).Dispose();
        var ended = await Reader(origin).GetAsync(channel, Cancellation);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", [1]);
        var restarted = await Reader(origin).GetAsync(channel, Cancellation);

        Assert.Equal(ChannelState.Ended, ended!.State);
        Assert.Equal(40, ended.LatestSegmentNumber);
        Assert.Equal(ChannelState.Live, restarted!.State);
        Assert.Equal(1, restarted.LatestSegmentNumber);
        Assert.Equal(
            [ChannelEventKind.ChannelStarted, ChannelEventKind.ChannelEnded, ChannelEventKind.ChannelStarted],
            (await ActivityAsync(origin, channel)).Select(e => e.Kind).Where(k => k is ChannelEventKind.ChannelStarted or ChannelEventKind.ChannelEnded));
    }

    [Fact]
    public async Task DeletingTheLastObject_RemovesTheChannelKeys_AndAnnouncesTheEnd()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        var announced = new List<ChannelEvent>();
        var subscription = await origin.Redis.Connection.GetSubscriber().SubscribeAsync(origin.Keys.ChannelEvents);
        subscription.OnMessage(message =>
        {
            lock (announced)
            {
                announced.Add(ChannelEvent.Parser.ParseFrom((byte[])message.Message!));
            }
        });
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", [1]);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00002.m4s", [1]);

        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/chunk-stream0-00001.m4s", UriKind.Relative), Cancellation)).Dispose();
        Assert.NotNull(await Reader(origin).GetAsync(channel, Cancellation));
        (await origin.Ingest.DeleteAsync(new Uri($"/{channel}/chunk-stream0-00002.m4s", UriKind.Relative), Cancellation)).Dispose();

        Assert.Empty(await origin.StoredKeysAsync(channel));
        Assert.Null(await Reader(origin).GetAsync(channel, Cancellation));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (!HasEnded())
        {
            await Task.Delay(20, deadline.Token);
        }

        await subscription.UnsubscribeAsync();

        bool HasEnded()
        {
            lock (announced)
            {
                return announced.Any(e => e.Channel == channel && e.Kind == ChannelEventKind.ChannelEnded);
            }
        }
    }

    [Fact]
    public async Task SegmentNames_AreReadWithTheManifestsTemplates()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/live.mpd", Manifests.CustomTemplates);
        await PutAsync(origin, $"/{channel}/v-hd-000123.cmfv", [1]);
        await PutAsync(origin, $"/{channel}/v-hd-init.cmfv", [1]);

        var events = await ActivityAsync(origin, channel);
        var found = await Reader(origin).GetAsync(channel, Cancellation);

        Assert.Contains(events, e => e is { Kind: ChannelEventKind.SegmentStarted, Track: "hd", SegmentNumber: 123 });
        Assert.Contains(events, e => e is { Kind: ChannelEventKind.SegmentStarted, Track: "hd", SegmentNumber: 0 } && e.Path.EndsWith("init.cmfv", StringComparison.Ordinal));
        Assert.Equal(123, Assert.Single(found!.Tracks).LatestSegmentNumber);
    }

    [Fact]
    public async Task SegmentNames_FollowANewManifestsTemplates_AlthoughTheOldOnesWereCached()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.Dynamic);
        // Read with the first manifest's templates, which this Ingest now holds.
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s", [1]);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifests.CustomTemplates);
        await PutAsync(origin, $"/{channel}/v-hd-000123.cmfv", [1]);

        var events = await ActivityAsync(origin, channel);

        Assert.Contains(events, e => e is { Kind: ChannelEventKind.SegmentStarted, Track: "0", SegmentNumber: 1 });
        Assert.Contains(events, e => e is { Kind: ChannelEventKind.SegmentStarted, Track: "hd", SegmentNumber: 123 });
    }

    [Fact]
    public async Task UnknownChannel_IsNull()
    {
        await using var origin = await OriginHost.StartAsync(redis);

        Assert.Null(await Reader(origin).GetAsync(TestPaths.Channel(), Cancellation));
    }

    private static ChannelCatalogReader Reader(OriginHost origin) =>
        new(redis: origin.Redis.Connection, keys: origin.Keys, time: TimeProvider.System);

    private static async Task PutAsync(OriginHost origin, string path, byte[] body)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<List<ChannelEvent>> ActivityAsync(OriginHost origin, string channel)
    {
        var entries = await origin.Redis.Connection.GetDatabase().StreamRangeAsync(origin.Keys.ChannelActivity(channel));
        return [.. entries.Select(entry => ChannelCatalogReader.TryParseEvent(entry, out var e) ? e : throw new InvalidOperationException("not a ChannelEvent"))];
    }
}
