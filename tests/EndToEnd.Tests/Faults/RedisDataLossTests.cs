using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>
/// Redis killed with SIGKILL while ffmpeg pushes a ladder, then back on the same port: empty (no persistence, as the
/// AppHost runs it, or a replica that missed the last writes) or with its data. ffmpeg uploads its init segments once
/// per run, so the channel plays again for a new viewer only if the origin puts back what Redis lost, by itself.
/// </summary>
public sealed class RedisDataLossTests
{
    /// <summary>ffmpeg's segment duration in these tests.</summary>
    private static readonly TimeSpan SegmentDuration = TimeSpan.FromSeconds(2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task RedisRestartedEmpty_ChannelPlaysAgainForANewViewerWithinThreeSegments_WithoutAnEncoderRestart()
    {
        await using var redis = await RedisServer.StartDedicatedAsync(persistent: false);
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = PushLadder(origin);
        var streams = StreamsOf(encoder);
        await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 4, TimeSpan.FromSeconds(40), Cancellation);
        var inits = new Dictionary<int, byte[]>();
        foreach (var stream in streams)
        {
            inits[stream] = await GetBodyAsync(origin, encoder.InitPath(stream));
        }

        // kill -9 about 8 s in, back empty 4 s later.
        var up = await redis.KillAndRestartAsync(TimeSpan.FromSeconds(4), Cancellation);

        // Every init segment is served again, byte for byte, and media segments flow again: a low-latency player plays
        // one while it is uploading (Delivery streams it), any other player once it is complete.
        var initsBack = TimeSpan.Zero;
        var segmentFlowing = TimeSpan.Zero;
        var segmentComplete = TimeSpan.Zero;
        long segment = 0;
        while (initsBack == TimeSpan.Zero || segmentFlowing == TimeSpan.Zero || segmentComplete == TimeSpan.Zero)
        {
            Assert.True(
                up.Elapsed < 5 * SegmentDuration,
                $"after {up.Elapsed.TotalSeconds:0.0} s: init segments {(initsBack == TimeSpan.Zero ? "still missing" : "back")}, " +
                $"media segments {(segmentComplete != TimeSpan.Zero ? "complete" : segmentFlowing != TimeSpan.Zero ? "uploading" : "missing")}." +
                $"\nstored: {string.Join(' ', await origin.StoredKeysAsync(encoder.Channel))}");
            Assert.False(encoder.Process.HasExited, $"the encoder gave up.\n{encoder.Process.Describe()}");
            if (initsBack == TimeSpan.Zero && await AllServedAsync(origin, [.. streams.Select(encoder.InitPath)]))
            {
                initsBack = up.Elapsed;
            }

            // Redis came back empty: any segment stored now was begun after the restart.
            if (segmentFlowing == TimeSpan.Zero && await AnySegmentWithBytesAsync(origin, encoder))
            {
                segmentFlowing = up.Elapsed;
            }

            if (segmentComplete == TimeSpan.Zero && await FirstCompleteSegmentAsync(origin, encoder) is { } complete)
            {
                segmentComplete = up.Elapsed;
                segment = complete;
            }

            await Task.Delay(20, Cancellation);
        }

        var playable = initsBack > segmentFlowing ? initsBack : segmentFlowing;
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Redis back empty: init segments served again after {initsBack.TotalMilliseconds:0} ms, a media segment uploading after " +
            $"{segmentFlowing.TotalMilliseconds:0} ms (playable at low latency {playable.TotalMilliseconds:0} ms after Redis came back), " +
            $"the first complete one ({segment}) after {segmentComplete.TotalMilliseconds:0} ms"));
        Assert.True(playable <= 3 * SegmentDuration, $"playable only {playable.TotalSeconds:0.0} s after Redis came back");
        // Completing a segment begun after the restart takes the encoder a segment more at most.
        Assert.True(segmentComplete <= 4 * SegmentDuration, $"the first complete segment came {segmentComplete.TotalSeconds:0.0} s after Redis came back");
        foreach (var stream in streams)
        {
            Assert.Equal(inits[stream], await GetBodyAsync(origin, encoder.InitPath(stream)));
        }

        // The channel is on the catalog again with its init segments recorded (so later completions keep them alive).
        var channel = await redis.Connection.GetDatabase().HashGetAllAsync(origin.Keys.Channel(encoder.Channel));
        var fields = channel.ToDictionary(entry => (string)entry.Name!, entry => (string?)entry.Value, StringComparer.Ordinal);
        await WaitForManifestIndexedAsync(origin, encoder);
        Assert.Equal(ChannelFields.Live, fields.GetValueOrDefault(ChannelFields.State));
        foreach (var stream in streams)
        {
            var name = encoder.InitPath(stream)[(encoder.InitPath(stream).LastIndexOf('/') + 1)..];
            Assert.True(fields.ContainsKey(ChannelFields.InitSegmentPrefix + name), $"{name} is not recorded in the channel: {string.Join(' ', fields.Keys)}");
        }

        // A new player, ffmpeg as a DASH client, decodes the channel.
        var decoded = await DashClient.DecodesAsync(new Uri(origin.DeliveryUri, encoder.ManifestPath), Cancellation);
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ffmpeg as a DASH client decoded {decoded / 1e6:0.00} s after the heal"));
    }

    [Fact]
    public async Task RedisRestartedWithItsData_NothingIsRepublished_EachInitSegmentKeepsItsOneVersion()
    {
        await using var redis = await RedisServer.StartDedicatedAsync(persistent: true);
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = PushLadder(origin);
        var streams = StreamsOf(encoder);
        await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 4, TimeSpan.FromSeconds(40), Cancellation);
        var before = new Dictionary<int, StoredInit>();
        foreach (var stream in streams)
        {
            before[stream] = await StoredInitAsync(origin, encoder.InitPath(stream));
        }

        var up = await redis.KillAndRestartAsync(TimeSpan.FromSeconds(4), Cancellation);

        // Wait for the stream to flow again, then long enough for every heal trigger to have fired (the reconnection
        // and the uploads since).
        while (await FirstCompleteSegmentAsync(origin, encoder) is null)
        {
            Assert.True(up.Elapsed < 4 * SegmentDuration, $"no media segment completed within {up.Elapsed.TotalSeconds:0.0} s of Redis coming back");
            await Task.Delay(50, Cancellation);
        }

        await Task.Delay(2 * SegmentDuration, Cancellation);

        foreach (var stream in streams)
        {
            var after = await StoredInitAsync(origin, encoder.InitPath(stream));
            Assert.Equal(before[stream].Version, after.Version);
            Assert.Equal([before[stream].Version], after.Versions);
            Assert.Equal(before[stream].Entries, after.Entries);
            Assert.Equal(before[stream].Body, await GetBodyAsync(origin, encoder.InitPath(stream)));
        }

        var decoded = await DashClient.DecodesAsync(new Uri(origin.DeliveryUri, encoder.ManifestPath), Cancellation);
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ffmpeg as a DASH client decoded {decoded / 1e6:0.00} s"));
    }

    /// <summary>The DASH streams of the default ladder: two video renditions, then audio.</summary>
    /// <summary>ffmpeg pushing the default ladder, going on through upload errors as an encoder in the field does.</summary>
    private static FfmpegEncoder PushLadder(OriginHost origin) => FfmpegEncoder.Start(
        origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
        FfmpegEncoderSettings.Default with { IgnoreIoErrors = true, Duration = TimeSpan.FromSeconds(90) });

    private static int[] StreamsOf(FfmpegEncoder encoder) => [.. Enumerable.Range(0, encoder.Settings.Video.Count + 1)];

    /// <summary>True when every path is complete on Redis and Delivery serves it (Redis first: Delivery holds a missing path's request 3 s).</summary>
    private static async Task<bool> AllServedAsync(OriginHost origin, IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            if (await SegmentChecks.CurrentMetaOrNullAsync(origin, path) is not { State: ObjectState.Complete })
            {
                return false;
            }
        }

        foreach (var path in paths)
        {
            using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> AnySegmentWithBytesAsync(OriginHost origin, FfmpegEncoder encoder)
    {
        foreach (var path in await SegmentChecks.StoredSegmentsAsync(origin, encoder.Channel))
        {
            if (await SegmentChecks.CurrentMetaOrNullAsync(origin, path) is { State: ObjectState.Complete } or { State: ObjectState.Uploading, Chunks: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A media segment of the first video stream stored complete on Redis now, served whole by Delivery.</summary>
    private static async Task<long?> FirstCompleteSegmentAsync(OriginHost origin, FfmpegEncoder encoder)
    {
        foreach (var path in await SegmentChecks.StoredSegmentsAsync(origin, encoder.Channel))
        {
            if (path.StartsWith(encoder.SegmentPath(0, 0)[..^9], StringComparison.Ordinal)
                && await SegmentChecks.CurrentMetaOrNullAsync(origin, path) is { State: ObjectState.Complete }
                && await SegmentChecks.GetWholeOrNothingAsync(origin, path, Cancellation) == 200)
            {
                return long.Parse(path[^9..^4], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static async Task WaitForManifestIndexedAsync(OriginHost origin, FfmpegEncoder encoder)
    {
        var waited = Stopwatch.StartNew();
        while (await origin.Redis.Connection.GetDatabase().SortedSetScoreAsync(origin.Keys.Manifests, encoder.ManifestPath[1..]) is null)
        {
            Assert.True(waited.Elapsed < 2 * SegmentDuration, "the manifest is not on the catalog's index again");
            await Task.Delay(50, Cancellation);
        }
    }

    private static async Task<byte[]> GetBodyAsync(OriginHost origin, string path)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
    }

    private static async Task<StoredInit> StoredInitAsync(OriginHost origin, string path)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = origin.Redis.Connection.GetDatabase();
        var version = (string?)await db.StringGetAsync(origin.Keys.Current(objectPath));
        Assert.NotNull(version);
        var versions = (await db.SortedSetRangeByRankAsync(origin.Keys.Versions(objectPath))).Select(v => (string)v!).ToArray();
        var entries = await db.StreamLengthAsync(origin.Keys.Chunks(objectPath, version));
        return new StoredInit(version, versions, entries, await GetBodyAsync(origin, path));
    }

    private sealed record StoredInit(string Version, string[] Versions, long Entries, byte[] Body);
}
