using System.Diagnostics;
using System.Globalization;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>What a real encoder leaves on the origin when its stream ends.</summary>
public sealed class EncoderExitTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task EncoderExit_RemoveAtExitDeletes_LeaveNothingOnRedis()
    {
        // ffmpeg 5.1 closes its sockets at exit without reading the last responses, so the kernel resets
        // them and its last uploads often lose their terminating chunk: Ingest rightly aborts those. DELETE
        // removes aborted versions too, but ffmpeg sends one last manifest PUT after its DELETE of the
        // manifest, and that aborted upload stays for Ingest:AbortedRetention (10 s by default). A short
        // retention keeps this test about the DELETEs: a completed object they missed would stay for minutes.
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Ingest:AbortedRetention"] = "00:00:02",
        });
        var channel = TestPaths.Channel();
        // The sources end after 8 s; ffmpeg then finishes the stream and DELETEs everything (-remove_at_exit 1).
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(8) });

        // While it runs, the channel's objects are on Redis (so the emptiness below means something).
        using (var running = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            running.CancelAfter(TimeSpan.FromSeconds(30));
            while (await origin.CurrentMetaAsync(encoder.SegmentPath(0, 2)) is null)
            {
                Assert.False(encoder.Process.HasExited, $"the encoder exited early.\n{encoder.Process.Describe()}");
                await Task.Delay(50, running.Token);
            }
        }

        var whileRunning = await origin.StoredKeysAsync(channel);
        Assert.Contains(whileRunning, key => key.EndsWith(":out.mpd:current", StringComparison.Ordinal));
        Assert.Contains(whileRunning, key => key.EndsWith(":init-stream0.m4s:current", StringComparison.Ordinal));
        Assert.Contains(whileRunning, key => key.EndsWith(":chunk-stream0-00001.m4s:current", StringComparison.Ordinal));

        var exitCode = await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(40), Cancellation);
        Assert.True(exitCode == 0, $"the encoder failed.\n{encoder.Process.Describe()}");

        // ffmpeg does not wait for the answers to its DELETEs, so Ingest may still be working through them.
        var atExit = await DescribeAsync(origin, await origin.StoredKeysAsync(channel));
        var left = ObjectKeysOf(await origin.StoredKeysAsync(channel));
        var waited = Stopwatch.StartNew();
        while (left.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100, Cancellation);
            left = ObjectKeysOf(await origin.StoredKeysAsync(channel));
        }

        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{whileRunning.Count} keys while running; at exit {atExit.Count}: {string.Join(", ", atExit)}; " +
            $"{left.Count} left {waited.Elapsed.TotalMilliseconds:0} ms after the encoder exited"));
        var trailing = await IsTrailingManifestAsync(origin, channel);
        Output?.WriteLine($"ffmpeg's manifest PUT after its DELETE {(trailing ? "was stored whole" : "was not stored")}");
        if (trailing)
        {
            // When that last manifest PUT gets its terminating chunk out before ffmpeg's exit, and begins after the DELETE
            // has listed the manifest's versions (the two race), it is stored whole: the encoder's final, static manifest,
            // gone with the completed retention (checked below). A DELETE that missed a version would leave a dynamic one.
            left = [.. left.Where(key => !key.Contains("}:out.mpd:", StringComparison.Ordinal))];
        }

        Assert.True(left.Count == 0,
            $"keys left on Redis after the encoder removed its stream:\n{string.Join('\n', await DescribeAsync(origin, left))}\n{encoder.Process.Describe()}");

        // The channel's own record may outlive its objects (the catalog shows a channel that just ended; ffmpeg's
        // trailing uploads after its DELETEs touch it again), but it goes within the retention: nothing of the
        // stream stays for good.
        var db = origin.Redis.Connection.GetDatabase();
        foreach (var key in await origin.StoredKeysAsync(channel))
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            if (ttl is null && !await db.KeyExistsAsync(key))
            {
                // Gone since it was listed: an upload ffmpeg began in its teardown, aborted when it exited (no previous
                // version, so the abort deletes its current key). Redis answers the same for a key gone and one kept for good.
                continue;
            }

            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromMinutes(2), $"{key} has no bounded time to live ({ttl})");
        }
    }

    /// <summary>True when what is stored at the manifest's path is ffmpeg's final manifest (static), complete.</summary>
    private static async Task<bool> IsTrailingManifestAsync(OriginHost origin, string channel)
    {
        var path = $"/{channel}/out.mpd";
        if (await origin.CurrentMetaAsync(path) is not { State: ObjectState.Complete })
        {
            return false;
        }

        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(Cancellation)).Contains("type=\"static\"", StringComparison.Ordinal);
    }

    /// <summary>The keys of objects, leaving out the channel's own records (<c>@channel</c>, <c>@activity</c>, <c>@encoder</c>…), checked below for a bounded life.</summary>
    private static List<string> ObjectKeysOf(IReadOnlyList<string> keys) =>
        [.. keys.Where(key => !key.Contains("}:@", StringComparison.Ordinal))];

    /// <summary>Each key with the state of its version, e.g. <c>out.mpd:1a2b…:meta (aborted)</c>.</summary>
    private static async Task<IReadOnlyList<string>> DescribeAsync(OriginHost origin, IReadOnlyList<string> keys)
    {
        var db = origin.Redis.Connection.GetDatabase();
        var described = new List<string>();
        foreach (var key in keys)
        {
            var name = key[(key.IndexOf('}', StringComparison.Ordinal) + 2)..];
            var state = key.EndsWith(":meta", StringComparison.Ordinal)
                ? $" ({(string?)await db.HashGetAsync(key, ObjectFields.State) ?? "gone"})"
                : string.Empty;
            described.Add(name + state);
        }

        return described;
    }
}
