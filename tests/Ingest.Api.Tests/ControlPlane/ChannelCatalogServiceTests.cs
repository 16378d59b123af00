using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Grpc.Core;

namespace CmafOrigin.Ingest.Tests.Control;

/// <summary>ChannelCatalog over a real gRPC channel, against ffmpeg pushing a live channel (two video renditions and audio).</summary>
public sealed class ChannelCatalogServiceTests(RedisServer redis) : IAsyncLifetime
{
    private static readonly string[] Tracks = ["0", "1", "2"];

    private OriginHost _origin = null!;
    private FfmpegEncoder _encoder = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginHost.StartAsync(redis);
        _encoder = FfmpegEncoder.Start(_origin.IngestUri, TestPaths.Channel("Catalog"), new Uri(_origin.DeliveryUri, "/time"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await _origin.CurrentMetaAsync(_encoder.ManifestPath) is not { State: ObjectState.Complete }
            || await _origin.CurrentMetaAsync(_encoder.SegmentPath(0, 1)) is not { State: ObjectState.Complete })
        {
            Assert.False(_encoder.Process.HasExited, $"the encoder exited early.\n{_encoder.Process.Describe()}");
            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _encoder.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [Fact]
    public async Task ListChannels_ShowsTheLiveChannel_WithTheTracksOfItsManifest_AndAGrowingSegmentNumber()
    {
        using var client = ControlClient.For(_origin);

        var listed = (await client.Catalog.ListChannelsAsync(new ListChannelsRequest(), client.Call(Cancellation))).Channels;

        var channel = Assert.Single(listed);
        Assert.Equal(_encoder.Channel, channel.Name);
        Assert.Equal(ChannelState.Live, channel.State);
        Assert.Equal($"{_encoder.Channel}/out.mpd", channel.Manifest);
        Assert.Equal(Tracks, channel.Tracks.Select(t => t.Id));
        Assert.Equal(["video", "video", "audio"], channel.Tracks.Select(t => t.ContentType));
        Assert.Equal([(640, 360), (426, 240), (0, 0)], channel.Tracks.Select(t => (t.Width, t.Height)));
        Assert.All(channel.Tracks.Take(2), t => Assert.StartsWith("avc1.", t.Codecs, StringComparison.Ordinal));
        Assert.StartsWith("mp4a.", channel.Tracks[2].Codecs, StringComparison.Ordinal);
        Assert.All(channel.Tracks, t => Assert.True(t.Bandwidth > 0));
        Assert.True(channel.LatestSegmentNumber >= 1, $"latest segment {channel.LatestSegmentNumber}");
        Assert.All(channel.Tracks, t => Assert.InRange(t.LatestSegmentNumber, 1, channel.LatestSegmentNumber));
        Assert.True(channel.IngestBitrateBps > 100_000, $"ingest bitrate {channel.IngestBitrateBps} b/s for a 1.2 Mb/s push");
        Assert.True(channel.StartedAt.ToDateTimeOffset() <= channel.LastActivityAt.ToDateTimeOffset());

        // The live edge moves: a new segment starts every 2 s.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        Channel later;
        do
        {
            await Task.Delay(200, timeout.Token);
            later = await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = _encoder.Channel }, client.Call(timeout.Token));
        }
        while (later.LatestSegmentNumber <= channel.LatestSegmentNumber);

        Assert.True(later.LastActivityAt.ToDateTimeOffset() > channel.LastActivityAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task WatchChannels_DeliversEachTracksSegmentEvents_InOrder()
    {
        using var client = ControlClient.For(_origin);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        watching.CancelAfter(TimeSpan.FromSeconds(30));
        using var watch = client.Catalog.WatchChannels(new WatchChannelsRequest { Channel = _encoder.Channel }, client.Call(watching.Token, TimeSpan.FromSeconds(40)));

        // Until every track has completed three segments seen from their start.
        var events = new List<ChannelEvent>();
        while (!Enough(events))
        {
            Assert.True(await watch.ResponseStream.MoveNext(watching.Token), "the watch ended");
            events.Add(watch.ResponseStream.Current);
        }

        await watching.CancelAsync();
        Assert.All(events, e => Assert.Equal(_encoder.Channel, e.Channel));
        Assert.Contains(events, e => e.Kind == ChannelEventKind.ManifestUpdated);
        foreach (var track in Tracks)
        {
            var segments = events
                .Where(e => e.Track == track && e.Kind is ChannelEventKind.SegmentStarted or ChannelEventKind.SegmentCompleted)
                .SkipWhile(e => e.Kind != ChannelEventKind.SegmentStarted)
                .ToList();
            var first = segments[0].SegmentNumber;
            for (var i = 0; i < segments.Count; i++)
            {
                // started n, completed n, started n + 1, ...
                Assert.Equal(i % 2 == 0 ? ChannelEventKind.SegmentStarted : ChannelEventKind.SegmentCompleted, segments[i].Kind);
                Assert.Equal(first + (i / 2), segments[i].SegmentNumber);
                Assert.Equal($"{_encoder.Channel}/chunk-stream{track}-{segments[i].SegmentNumber:D5}.m4s", segments[i].Path);
                Assert.True(segments[i].Kind == ChannelEventKind.SegmentStarted ? segments[i].Size == 0 : segments[i].Size > 0);
            }
        }

        // The client's cancel ends the call as cancelled, not as a failure of the server.
        var ended = await Assert.ThrowsAsync<RpcException>(async () => await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    private static bool Enough(List<ChannelEvent> events) =>
        Tracks.All(track => events
            .Where(e => e.Track == track)
            .SkipWhile(e => e.Kind != ChannelEventKind.SegmentStarted)
            .Count(e => e.Kind == ChannelEventKind.SegmentCompleted) >= 3);
}
