using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.V1;
using CmafOrigin.EndToEnd.Tests.Faults;
using CmafOrigin.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// The origin, unchanged, on a real Redis Cluster: every channel's keys on the master of its slot, uploads through
/// either Ingest, viewers on any Delivery instance woken by events that cross the cluster bus, the control plane
/// reading and purging across masters, and nothing left on any node once an encoder is gone.
/// </summary>
public sealed class RedisClusterTests(ClusterOriginFixture fixture) : IClassFixture<ClusterOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private readonly RedisCluster _cluster = fixture.Cluster;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Get_SegmentBeingEncoded_IsFollowedChunkByChunk_OnEveryDeliveryInstance()
    {
        // A segment boundary (the next segment begins uploading), then the segment after that one, asked for early on all
        // three instances: each holds its request until the upload starts, then streams every chunk as its event
        // (published on the ladder's master) reaches it.
        var latest = (long)await _cluster.Connection.GetDatabase().HashGetAsync(_origin.Keys.Channel(fixture.Ladder.Channel), ChannelFields.LatestSegment);
        var uploading = await SegmentChecks.SegmentUploadingAsync(_origin, fixture.Ladder, 0, latest, TimeSpan.FromSeconds(15), Cancellation);
        var begun = await SegmentChecks.SegmentUploadingAsync(_origin, fixture.Ladder, 0, uploading + 1, TimeSpan.FromSeconds(15), Cancellation);
        var path = fixture.Ladder.SegmentPath(0, begun + 1);
        Assert.True(await _origin.CurrentMetaAsync(path) is null, $"{path} had started uploading before it was asked for");

        var viewers = await Task.WhenAll(fixture.Deliveries.Select(delivery => StreamingViewer.OpenAsync(delivery, path, Cancellation)));
        try
        {
            foreach (var viewer in viewers)
            {
                Assert.True(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "a viewer's response failed");
            }

            using var complete = await fixture.Deliveries[0].GetAsync(new Uri(path, UriKind.Relative), Cancellation)
                .WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
            var whole = await complete.Content.ReadAsByteArrayAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
            Assert.Equal(whole.Length, complete.Content.Headers.ContentLength);
            for (var i = 0; i < viewers.Length; i++)
            {
                var viewer = viewers[i];
                var reads = viewer.ReadLog;
                var at = string.Join(' ', viewer.Pieces.Select(piece => piece.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)));
                Output?.WriteLine($"Delivery {i + 1}: {path} ({whole.Length} bytes) in {viewer.Pieces.Count} pieces at (ms after request) {at}");
                Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
                Assert.True(viewer.Response.Headers.TransferEncodingChunked, $"Delivery {i + 1}'s response is not chunked");
                Assert.Null(viewer.Response.Content.Headers.ContentLength);
                Assert.Equal(whole, viewer.Received);
                // Fragments every 0.5 s of a 2 s segment: several pieces, spread over more than a second.
                Assert.True(viewer.Pieces.Count >= 3, $"Delivery {i + 1} sent the segment in {viewer.Pieces.Count} pieces");
                var spread = reads[^1].SinceRequest - reads[0].SinceRequest;
                Assert.True(spread >= TimeSpan.FromSeconds(1), $"Delivery {i + 1}'s reads spanned only {spread.TotalMilliseconds:0} ms");
            }
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FfmpegAsPlayer_DecodesBothChannels_FromEveryDeliveryInstance()
    {
        // The ladder from each instance, and the channel pushed through the second Ingest from one: all at once.
        var manifests = fixture.Deliveries.Select(delivery => new Uri(delivery.BaseAddress!, fixture.Ladder.ManifestPath))
            .Append(new Uri(fixture.Deliveries[1].BaseAddress!, fixture.Second.ManifestPath))
            .ToList();

        var decoded = await Task.WhenAll(manifests.Select(manifest => DashClient.DecodesAsync(manifest, Cancellation)));

        Output?.WriteLine(string.Join('\n', manifests.Zip(decoded, (manifest, us) => string.Create(CultureInfo.InvariantCulture, $"ffmpeg decoded {us / 1e6:0.00} s of {manifest}"))));
    }

    [Fact]
    public async Task Channels_KeepEveryKeyOnTheMasterServingTheirHashTag()
    {
        var masters = await _cluster.MasterPortsAsync();
        Assert.Equal(3, masters.Count);
        var homes = new List<int>();
        foreach (var channel in new[] { fixture.Ladder.Channel, fixture.Second.Channel })
        {
            var home = await fixture.MasterOfAsync(channel);
            homes.Add(home);
            var pattern = $"{_origin.KeyPrefix}:{{{channel}}}:*";
            var there = await _cluster.KeysOnAsync(home, pattern);
            Output?.WriteLine($"{channel}: slot on the master on port {home}, {there.Count} keys there");
            Assert.Contains(there, key => key.EndsWith(":@channel", StringComparison.Ordinal));
            Assert.Contains(there, key => key.EndsWith(":out.mpd:current", StringComparison.Ordinal));
            foreach (var other in masters.Where(master => master != home))
            {
                Assert.Empty(await _cluster.KeysOnAsync(other, pattern));
            }
        }

        Assert.NotEqual(homes[0], homes[1]);
    }

    [Fact]
    public async Task ClassicPubSub_CarriesEveryEventToEveryNode_AndItsCostIsMeasured()
    {
        // The ladder's events are published on its master; Delivery instances listen on other nodes.
        var ladderMaster = await fixture.MasterOfAsync(fixture.Ladder.Channel);
        Output?.WriteLine($"the ladder on the master on port {ladderMaster}; Delivery instances subscribed on {string.Join(", ", fixture.Subscriptions.Select(node => $"{node.Key} ({node.Value})"))}");
        Assert.Contains(fixture.Subscriptions.Keys, node => node != ladderMaster);

        // What one more subscriber hears over a few seconds, against what Redis counts on every node.
        var heard = new ConcurrentDictionary<ObjectEventKind, int>();
        var channelEvents = 0;
        var subscriber = _cluster.Connection.GetSubscriber();
        await subscriber.SubscribeAsync(_origin.Keys.Events, (_, message) => heard.AddOrUpdate(ObjectEvent.Parser.ParseFrom((byte[])message!).Kind, 1, (_, n) => n + 1));
        await subscriber.SubscribeAsync(_origin.Keys.ChannelEvents, (_, _) => Interlocked.Increment(ref channelEvents));
        try
        {
            var publishes = await _cluster.CommandCallsAsync("publish");
            var sent = await _cluster.ClusterInfoAsync("cluster_stats_messages_publish_sent");
            var received = await _cluster.ClusterInfoAsync("cluster_stats_messages_publish_received");
            heard.Clear();
            Interlocked.Exchange(ref channelEvents, 0);
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(5), Cancellation);

            var published = await _cluster.CommandCallsAsync("publish") - publishes;
            var sentNow = await _cluster.ClusterInfoAsync("cluster_stats_messages_publish_sent");
            var receivedNow = await _cluster.ClusterInfoAsync("cluster_stats_messages_publish_received");
            var elapsed = window.Elapsed;
            var busMessages = sentNow.Sum(node => node.Value - sent[node.Key]);
            var receivedPerNode = receivedNow.ToDictionary(node => node.Key, node => node.Value - received[node.Key]);
            var chunks = heard.GetValueOrDefault(ObjectEventKind.Chunk);

            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"in {elapsed.TotalSeconds:0.0} s: {published} PUBLISH on the masters ({published / elapsed.TotalSeconds:0.0}/s), " +
                $"heard {heard.Values.Sum()} object events ({chunks} CHUNK) and {channelEvents} channel events; " +
                $"{busMessages} cluster-bus publish messages sent ({(double)busMessages / Math.Max(1, published):0.00} per PUBLISH, " +
                $"{(double)busMessages / Math.Max(1, chunks):0.0} per chunk), received per node: " +
                $"{string.Join(", ", receivedPerNode.Select(node => $"{node.Key} {node.Value}"))}"));
            Assert.True(chunks > 0, "no chunk event was heard");
            // Classic pub/sub in a cluster: the node that runs PUBLISH sends it to each of the other five.
            Assert.InRange((double)busMessages / published, 4.5, 5.5);
            Assert.All(receivedPerNode, node => Assert.True(node.Value > 0, $"the node on port {node.Key} received no publish message"));
        }
        finally
        {
            await subscriber.UnsubscribeAllAsync();
        }
    }

    [Fact]
    public async Task ControlPlane_ListsTheChannelsOfEveryMaster_AndPurgesOneFromTheOtherIngest()
    {
        // Both channels, from either Ingest's control plane.
        foreach (var control in new[] { _origin.ControlUri, fixture.SecondIngest.ControlUri })
        {
            using var channel = GrpcChannel.ForAddress(control);
            var listed = (await new ChannelCatalog.ChannelCatalogClient(channel).ListChannelsAsync(new ListChannelsRequest(), Call())).Channels;
            foreach (var encoder in new[] { fixture.Ladder, fixture.Second })
            {
                var found = listed.SingleOrDefault(c => c.Name == encoder.Channel);
                Assert.True(found is { State: ChannelState.Live }, $"{encoder.Channel} is not listed live by {control}: {string.Join(", ", listed.Select(c => $"{c.Name} {c.State}"))}");
                Assert.True(found.Tracks.Count >= 2, $"{encoder.Channel} is listed with {found.Tracks.Count} tracks");
            }
        }

        // A channel on the third master, uploaded through the first Ingest, with an upload in flight and its viewer.
        var ladderMaster = await fixture.MasterOfAsync(fixture.Ladder.Channel);
        var secondMaster = await fixture.MasterOfAsync(fixture.Second.Channel);
        var purged = await fixture.ChannelAsync("ClusterPurge", master => master != ladderMaster && master != secondMaster);
        foreach (var name in new[] { "init-stream0.m4s", "chunk-stream0-00001.m4s" })
        {
            using var stored = await _origin.Ingest.PutAsync(new Uri($"/{purged}/{name}", UriKind.Relative), new ByteArrayContent(TestPaths.Payload(1000, 1)), Cancellation);
            stored.EnsureSuccessStatusCode();
        }

        var inFlight = $"/{purged}/chunk-stream0-00002.m4s";
        await using var upload = PacedUpload.Start(_origin.Ingest, inFlight);
        await upload.SendAsync(TestPaths.Payload(2000, 2), Cancellation);
        await _origin.WaitForCurrentAsync(inFlight, meta => meta?.Size == 2000, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(fixture.Deliveries[2], inFlight, Cancellation);
        await viewer.WaitForBytesAsync(2000, Cancellation);
        Assert.NotEmpty(await _cluster.KeysOnAsync(await fixture.MasterOfAsync(purged), $"{_origin.KeyPrefix}:{{{purged}}}:*"));

        PurgeChannelResponse response;
        using (var channel = GrpcChannel.ForAddress(fixture.SecondIngest.ControlUri))
        {
            response = await new OriginAdmin.OriginAdminClient(channel).PurgeChannelAsync(new PurgeChannelRequest { Name = purged }, Call());
        }

        Assert.Equal(3, response.ObjectsRemoved);
        Assert.Equal(1, response.UploadsAborted);
        Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(10)), "the viewer of a purged upload saw a clean end");
        using (var answer = await upload.CompleteAsync(Cancellation))
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        }

        Assert.Empty(await _origin.StoredKeysAsync(purged));
        using (var channel = GrpcChannel.ForAddress(_origin.ControlUri))
        {
            var gone = await Assert.ThrowsAsync<RpcException>(async () =>
                await new ChannelCatalog.ChannelCatalogClient(channel).GetChannelAsync(new GetChannelRequest { Name = purged }, Call()));
            Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        }
    }

    [Fact]
    public async Task EncoderExit_ThroughTheSecondIngest_LeavesNoKeyOnAnyNode()
    {
        // As EncoderExitTests on one redis-server: ffmpeg ends by itself and DELETEs what it published; what its DELETEs
        // cannot remove (the channel's records, ffmpeg's trailing manifest upload) expires within the short retentions.
        var channel = TestPaths.Channel("ClusterExit");
        await using var encoder = FfmpegEncoder.Start(
            fixture.SecondIngest.Uri, channel, new Uri(fixture.Deliveries[1].BaseAddress!, "/time"),
            FfmpegEncoderSettings.Default with { Video = [new(256, 144, 150)], Duration = TimeSpan.FromSeconds(8) });
        using (var running = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            running.CancelAfter(TimeSpan.FromSeconds(30));
            while (!await _origin.IsCompleteAsync(encoder.SegmentPath(0, 2)))
            {
                Assert.False(encoder.Process.HasExited, $"the encoder exited early.\n{encoder.Process.Describe()}");
                await Task.Delay(100, running.Token);
            }
        }

        // Every key of the channel is on the master serving its slot, none on another (the encoder keeps writing, so
        // the other masters are checked to hold none rather than counts compared between two moments).
        var home = await fixture.MasterOfAsync(channel);
        var whileRunning = await _origin.StoredKeysAsync(channel);
        Assert.NotEmpty(await _cluster.KeysOnAsync(home, $"{_origin.KeyPrefix}:{{{channel}}}:*"));
        foreach (var other in (await _cluster.MasterPortsAsync()).Where(port => port != home))
        {
            Assert.Empty(await _cluster.KeysOnAsync(other, $"{_origin.KeyPrefix}:{{{channel}}}:*"));
        }

        var exitCode = await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(40), Cancellation);
        Assert.True(exitCode == 0, $"the encoder failed.\n{encoder.Process.Describe()}");
        var exited = Stopwatch.StartNew();
        var objectsGoneAfter = TimeSpan.Zero;
        IReadOnlyList<string> left;
        while ((left = await _origin.StoredKeysAsync(channel)).Count > 0 && exited.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (objectsGoneAfter == TimeSpan.Zero && left.All(key => key.Contains("}:@", StringComparison.Ordinal)))
            {
                objectsGoneAfter = exited.Elapsed;
            }

            await Task.Delay(200, Cancellation);
        }

        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{whileRunning.Count} keys on the master on port {home} while running; objects gone {objectsGoneAfter.TotalSeconds:0.0} s " +
            $"and every key {exited.Elapsed.TotalSeconds:0.0} s after the encoder exited"));
        Assert.True(left.Count == 0, $"keys left on the cluster {exited.Elapsed.TotalSeconds:0} s after the encoder exited:\n{string.Join('\n', left)}");
        Assert.Null(await _cluster.Connection.GetDatabase().SortedSetScoreAsync(_origin.Keys.Manifests, $"{channel}/out.mpd"));
    }

    /// <summary>Call options with the origin's admin token, bounded in time.</summary>
    private CallOptions Call() =>
        new(new Metadata { { "authorization", $"Bearer {_origin.AdminToken}" } }, DateTime.UtcNow.AddSeconds(15), cancellationToken: Cancellation);
}
