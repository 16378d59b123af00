using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.EndToEnd.Tests.Faults;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// A Redis master killed with SIGKILL under two live channels, its replica promoted by the cluster: a cluster of its
/// own (the fault would disturb <see cref="ClusterOriginFixture"/>'s), ffmpeg pushing a channel to the failing master
/// and one to another.
/// </summary>
public sealed class RedisMasterFailoverTests
{
    private static readonly TimeSpan SegmentDuration = TimeSpan.FromSeconds(2);

    /// <summary>How much later than its schedule a segment of an undisturbed channel may complete on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task MasterKilled_ChannelsOnOtherMasters_NeverStall_ItsViewersAreReset_AndItsChannelPlaysWithinThreeSegments()
    {
        await using var cluster = await RedisCluster.StartAsync(Cancellation);
        await using var origin = await OriginHost.StartAsync(cluster, ClusterOriginFixture.Settings);

        // The master to kill: the one Delivery subscribed to for events when it is a master, so the subscription must move too.
        var subscribed = (await cluster.SubscribersAsync(origin.Keys.Events.ToString())).Where(node => node.Value > 0).Select(node => node.Key).ToList();
        var masters = await cluster.MasterPortsAsync();
        var failing = masters.FirstOrDefault(subscribed.Contains, masters[0]);
        Output?.WriteLine($"Delivery subscribed to events on {string.Join(", ", subscribed)}; the master to kill: {failing}");
        var channelA = await ClusterChannels.OnMasterAsync(cluster, origin, "FailoverA", master => master == failing);
        var channelB = await ClusterChannels.OnMasterAsync(cluster, origin, "FailoverB", master => master != failing);
        await using var encoderA = ClusterChannels.Push(origin, channelA);
        await using var encoderB = ClusterChannels.Push(origin, channelB);
        var clock = Stopwatch.StartNew();

        // Both channels running, a player following B, baseline for a few segments.
        var firstB = await SegmentChecks.SegmentUploadingAsync(origin, encoderB, 0, 1, TimeSpan.FromSeconds(30), Cancellation);
        await using var playerB = LiveSegmentPlayer.Start(origin.Delivery, number => encoderB.SegmentPath(0, number), firstB, clock);
        var inProgress = await SegmentChecks.SegmentUploadingAsync(origin, encoderA, 0, 2, TimeSpan.FromSeconds(30), Cancellation);
        var inits = new Dictionary<int, byte[]>();
        foreach (var stream in new[] { 0, 1 })
        {
            inits[stream] = await GetCompleteAsync(origin, encoderA.InitPath(stream));
        }

        // In-progress viewers of A: a segment being uploaded, on both tracks.
        inProgress = await SegmentChecks.SegmentUploadingAsync(origin, encoderA, 0, inProgress + 1, TimeSpan.FromSeconds(10), Cancellation);
        var inProgressSeen = clock.Elapsed;
        var viewerPaths = new[] { encoderA.SegmentPath(0, inProgress), encoderA.SegmentPath(1, inProgress) };
        var viewers = new List<StreamingViewer>();
        foreach (var path in viewerPaths)
        {
            viewers.Add(await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation));
        }

        try
        {
            await viewers[0].WaitForBytesAsync(1, Cancellation);
            var killedAt = clock.Elapsed;
            var failover = await cluster.FailOverAsync(failing, Cancellation);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"master {failing} killed at {killedAt.TotalSeconds:0.000} s: replica {failover.NewMasterPort} promoted after {failover.Promoted.TotalMilliseconds:0} ms, cluster_state ok after {failover.Healthy.TotalMilliseconds:0} ms"));

            // A plays again: a player asks from the segment after the one cut, and its init segments are served whole.
            // Like a DASH player, it tells the live edge from the clock (a segment every 2 s), so a segment lost in the outage
            // costs it one held request, not one per number.
            await using var playerA = LiveSegmentPlayer.Start(
                origin.Delivery, number => encoderA.SegmentPath(0, number), inProgress + 1, clock,
                liveEdge: () => inProgress + (long)((clock.Elapsed - inProgressSeen) / SegmentDuration));
            var initsBack = await InitsServedAsync(origin, encoderA, inits, TimeSpan.FromSeconds(20));
            var initsBackAt = clock.Elapsed;
            var playable = await playerA.WaitForAsync(fetch => fetch.IsComplete, TimeSpan.FromSeconds(20), Cancellation);
            var promotedAt = killedAt + failover.Promoted;
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"A after the kill: init segments served again after {(initsBackAt - killedAt).TotalMilliseconds:0} ms (at most), segment {playable.Number} " +
                $"streaming from {(playable.FirstByte!.Value - killedAt).TotalMilliseconds:0} ms and complete at {(playable.Ended - killedAt).TotalMilliseconds:0} ms " +
                $"({(playable.Ended - promotedAt).TotalMilliseconds:0} ms after the promotion)\nA's player:\n{playerA.Describe()}"));
            Output?.WriteLine($"B's player:\n{playerB.Describe()}");
            Output?.WriteLine($"subscribed now on {string.Join(", ", (await cluster.SubscribersAsync(origin.Keys.Events.ToString())).Where(node => node.Value > 0).Select(node => node.Key))}");
            await SegmentChecks.DecodesAsync(initsBack[0], playable.Body, Cancellation);
            Assert.True(playable.Ended - promotedAt <= 3 * SegmentDuration,
                $"A played again only {(playable.Ended - promotedAt).TotalSeconds:0.0} s after the promotion");

            // A's in-progress viewers were reset, or, if their segment completed before the kill, got exactly what is stored.
            for (var i = 0; i < viewers.Count; i++)
            {
                var clean = await viewers[i].WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20));
                Output?.WriteLine($"viewer of {viewerPaths[i]}: {(clean ? "ended cleanly" : "reset")} after {viewers[i].Received.Length} bytes");
                if (clean)
                {
                    using var final = await origin.Delivery.GetAsync(new Uri(viewerPaths[i], UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
                    Assert.True(final.StatusCode == HttpStatusCode.OK, $"{viewerPaths[i]} ended cleanly for its viewer, but is not stored ({final.StatusCode})");
                    Assert.Equal(await final.Content.ReadAsByteArrayAsync(Cancellation), viewers[i].Received);
                }
            }

            // B never stalled: every segment it asked for came whole, each within a segment (plus slack) of the previous one.
            await Task.Delay(SegmentDuration, Cancellation);
            var fetchesB = playerB.Fetches;
            Output?.WriteLine($"B's player:\n{playerB.Describe()}");
            Assert.All(fetchesB.SkipLast(1), fetch => Assert.True(fetch.IsComplete, $"B's player got {fetch}"));
            var completedB = playerB.Completed;
            Assert.Contains(completedB, fetch => fetch.Ended > promotedAt + SegmentDuration);
            var gaps = completedB.Zip(completedB.Skip(1), (previous, next) => (next.Number, Gap: next.Ended - previous.Ended)).ToList();
            var worst = gaps.MaxBy(gap => gap.Gap);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"B: longest gap between two segments {worst.Gap.TotalMilliseconds:0} ms (before #{worst.Number})"));
            Assert.True(worst.Gap <= SegmentDuration + Slack, $"B stalled: segment {worst.Number} ended {worst.Gap.TotalSeconds:0.00} s after the one before");
            Assert.Equal(Enumerable.Range(0, completedB.Count).Select(i => completedB[0].Number + i), completedB.Select(fetch => fetch.Number));
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until every init segment of <paramref name="encoder"/> is served whole with the bytes it had; returns them.</summary>
    private static async Task<Dictionary<int, byte[]>> InitsServedAsync(OriginHost origin, FfmpegEncoder encoder, Dictionary<int, byte[]> expected, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        var last = string.Empty;
        while (waited.Elapsed < timeout)
        {
            var served = new Dictionary<int, byte[]>();
            foreach (var (stream, bytes) in expected)
            {
                try
                {
                    using var response = await origin.Delivery.GetAsync(new Uri(encoder.InitPath(stream), UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
                    last = $"{encoder.InitPath(stream)}: {response.StatusCode}";
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        served[stream] = await response.Content.ReadAsByteArrayAsync(Cancellation);
                        Assert.Equal(bytes, served[stream]);
                    }
                }
                catch (HttpRequestException ex)
                {
                    last = $"{encoder.InitPath(stream)}: {ex.Message}";
                }
            }

            if (served.Count == expected.Count)
            {
                return served;
            }

            await Task.Delay(50, Cancellation);
        }

        throw new TimeoutException($"the init segments were not served again within {timeout.TotalSeconds:0} s; last: {last}");
    }

    private static async Task<byte[]> GetCompleteAsync(OriginHost origin, string path)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(Cancellation);
    }
}
