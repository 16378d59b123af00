using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.EndToEnd.Tests.Faults;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// A live channel's slot moved to another master while ffmpeg pushes it, in the steps <c>redis-cli --cluster reshard</c>
/// takes but slower (2 keys a MIGRATE, 100 ms apart, where redis-cli moves 10 at once without pause), so that the
/// channel's uploads meet the slot half-moved for a few seconds: ASK for its single-key commands, TRYAGAIN for its
/// scripts. A cluster of its own, a channel A on the moving slot and a channel B on another master, a player following each.
/// </summary>
public sealed class ReshardingTests
{
    private static readonly TimeSpan SegmentDuration = TimeSpan.FromSeconds(2);

    /// <summary>How much later than its schedule a segment may complete on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ChannelsSlotMigratedMidStream_NoUploadFails_NoViewerGetsATruncatedSegment_AndItsKeysEndOnTheNewMaster()
    {
        await using var cluster = await RedisCluster.StartAsync(Cancellation);
        await using var origin = await OriginHost.StartAsync(cluster, ClusterOriginFixture.Settings);
        using var uploads = new UploadOutcomes(origin.IngestServices);
        var masters = await cluster.MasterPortsAsync();
        var source = masters[0];
        var target = masters[2];
        var channelA = await ClusterChannels.OnMasterAsync(cluster, origin, "ReshardA", master => master == source);
        var channelB = await ClusterChannels.OnMasterAsync(cluster, origin, "ReshardB", master => master == masters[1]);
        await using var encoderA = ClusterChannels.Push(origin, channelA);
        await using var encoderB = ClusterChannels.Push(origin, channelB);
        var clock = Stopwatch.StartNew();

        var firstA = await SegmentChecks.SegmentUploadingAsync(origin, encoderA, 0, 1, TimeSpan.FromSeconds(30), Cancellation);
        var firstB = await SegmentChecks.SegmentUploadingAsync(origin, encoderB, 0, 1, TimeSpan.FromSeconds(30), Cancellation);
        await using var playerA = LiveSegmentPlayer.Start(origin.Delivery, number => encoderA.SegmentPath(0, number), firstA, clock);
        await using var playerB = LiveSegmentPlayer.Start(origin.Delivery, number => encoderB.SegmentPath(0, number), firstB, clock);
        await playerA.WaitForAsync(fetch => fetch.IsComplete && fetch.Number == firstA + 1, TimeSpan.FromSeconds(20), Cancellation);
        await playerB.WaitForAsync(fetch => fetch.IsComplete && fetch.Number == firstB + 1, TimeSpan.FromSeconds(20), Cancellation);

        // Mid-segment, A's slot moves from its master to the third one.
        var slot = await cluster.SlotOfAsync(origin.Keys.Channel(channelA));
        var pattern = $"{origin.KeyPrefix}:{{{channelA}}}:*";
        var failedBefore = uploads.Failed;
        var errorsBefore = await cluster.ErrorRepliesAsync();
        await SegmentChecks.SegmentUploadingAsync(origin, encoderA, 0, firstA + 2, TimeSpan.FromSeconds(10), Cancellation);
        await Task.Delay(SegmentDuration / 4, Cancellation);
        var migrating = clock.Elapsed;
        var moved = await cluster.MigrateSlotAsync(slot, target, keysPerBatch: 2, pause: TimeSpan.FromMilliseconds(100), Cancellation);
        var migrated = clock.Elapsed;
        var errors = await cluster.ErrorRepliesAsync();
        var during = string.Join(", ", errors.Select(error => $"{error.Key} {error.Value - errorsBefore.GetValueOrDefault(error.Key)}"));

        // What A's player took as whole around the move is what is stored, byte for byte. Compared as soon as each can
        // be: completed segments are retained only 10 s here.
        var compared = new HashSet<long>();
        await CompareWithStoredAsync();

        // A plays on from the new master: a segment asked for after the move comes whole.
        var after = await playerA.WaitForAsync(fetch => fetch.IsComplete && fetch.Asked > migrated, TimeSpan.FromSeconds(15), Cancellation);
        await CompareWithStoredAsync();

        await playerB.WaitForAsync(fetch => fetch.IsComplete && fetch.Asked > migrated + SegmentDuration, TimeSpan.FromSeconds(15), Cancellation);
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slot {slot} of A: {moved} keys moved from {source} to {target} in {(migrated - migrating).TotalMilliseconds:0} ms; " +
            $"A's segment {after.Number} asked {(after.Asked - migrated).TotalMilliseconds:0} ms after the move, whole {(after.Ended - migrated).TotalMilliseconds:0} ms after it; uploads: {uploads}; error replies during the move: {during}"));
        Output?.WriteLine($"A's player:\n{playerA.Describe()}\nB's player:\n{playerB.Describe()}");

        // Every upload of both channels stored: MOVED, ASK and TRYAGAIN are the services' business, not the encoder's.
        Assert.True(uploads.Failed == failedBefore, $"uploads failed during the move: {uploads}");

        // Neither player got anything but whole segments, in turn. B's came each a segment (plus slack) after the one before;
        // A's at most the move's time later, while its pieces waited for the keys they go with.
        foreach (var (name, player, first, delay) in new[] { ("A", playerA, firstA, migrated - migrating), ("B", playerB, firstB, TimeSpan.Zero) })
        {
            var fetches = player.Fetches.SkipLast(1).ToList();
            Assert.All(fetches, fetch => Assert.True(fetch.IsComplete, $"{name}'s player got {fetch}"));
            var completed = player.Completed;
            Assert.Equal(Enumerable.Range(0, completed.Count).Select(n => first + n), completed.Select(fetch => fetch.Number));
            var gaps = completed.Zip(completed.Skip(1), (previous, next) => (next.Number, Gap: next.Ended - previous.Ended)).ToList();
            var worst = gaps.MaxBy(gap => gap.Gap);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: longest gap between two segments {worst.Gap.TotalMilliseconds:0} ms (before #{worst.Number})"));
            Assert.True(worst.Gap <= SegmentDuration + delay + Slack, $"{name} stalled before #{worst.Number}: {worst.Gap.TotalSeconds:0.00} s");
        }

        // The slot is the new master's, with every key of A, and the old master keeps none.
        Assert.Equal(target, await cluster.MasterServingSlotAsync(slot));
        Assert.Empty(await cluster.KeysOnAsync(source, pattern));
        Assert.NotEmpty(await cluster.KeysOnAsync(target, pattern));
        Assert.Equal(masters[1], await cluster.MasterServingAsync(origin.Keys.Channel(channelB)));

        async Task CompareWithStoredAsync()
        {
            foreach (var fetch in playerA.Completed.Where(fetch => fetch.Ended >= migrating - SegmentDuration && compared.Add(fetch.Number)))
            {
                using var stored = await origin.Delivery.GetAsync(new Uri(encoderA.SegmentPath(0, fetch.Number), UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
                Assert.True(stored.StatusCode == HttpStatusCode.OK, $"A's segment {fetch.Number} is {(int)stored.StatusCode} now; its player took it whole: {fetch}");
                Assert.Equal(await stored.Content.ReadAsByteArrayAsync(Cancellation), fetch.Body);
            }
        }
    }
}
