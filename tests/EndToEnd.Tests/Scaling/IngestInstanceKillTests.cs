using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.EndToEnd.Tests.Faults;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Scaling;

/// <summary>
/// Two Ingest instances and a Delivery instance, each its own process on one Redis, with their default settings
/// (Ingest's idle timeout 10 s, Delivery's stall margin 2 s). The Ingest taking an upload is killed with SIGKILL
/// mid-segment: it writes no abort marker, nothing is left to write one.
/// </summary>
public sealed class IngestInstanceKillTests(RedisServer redis)
{
    private static readonly TimeSpan PiecePause = TimeSpan.FromMilliseconds(250);

    /// <summary>Ingest's default idle timeout plus Delivery's default margin: how long a dead upload's viewers may hang.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(10 + 2);

    /// <summary>What a loaded 2-core machine may add to that.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task IngestKilledMidUpload_ItsViewerIsReset_AndTheEncodersRetryOnTheOtherIngest_IsServedWhole()
    {
        var keyPrefix = $"t{Guid.NewGuid():N}"[..12];
        var keys = new ObjectKeys(keyPrefix);
        var none = new Dictionary<string, string>();
        var started = await Task.WhenAll(
            ServiceProcess.StartAsync(typeof(Ingest.Program).Assembly, redis, keyPrefix, none),
            ServiceProcess.StartAsync(typeof(Ingest.Program).Assembly, redis, keyPrefix, none),
            ServiceProcess.StartAsync(typeof(Delivery.Program).Assembly, redis, keyPrefix, none));
        await using var ingestA = started[0];
        await using var ingestB = started[1];
        await using var delivery = started[2];
        using var player = new HttpClient { BaseAddress = delivery.Address, Timeout = TimeSpan.FromSeconds(60) };
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00007.m4s";
        var pieces = Enumerable.Range(0, 8).Select(i => TestPaths.Payload(30_000, i)).ToArray();

        // The encoder uploads to A a chunk at a time; a viewer follows the segment on Delivery.
        await using (var upload = await RawChunkedUpload.StartAsync(ingestA.Address, path, Cancellation))
        {
            await upload.SendChunkAsync(pieces[0], Cancellation);
            await using var cut = await StreamingViewer.OpenAsync(player, path, Cancellation);
            Assert.Equal(HttpStatusCode.OK, cut.Response.StatusCode);
            var sent = pieces[0].Length;
            await cut.WaitForBytesAsync(sent, Cancellation);
            foreach (var piece in pieces[1..4])
            {
                await Task.Delay(PiecePause, Cancellation);
                await upload.SendChunkAsync(piece, Cancellation);
                sent += piece.Length;
            }

            await cut.WaitForBytesAsync(sent, Cancellation);
            var deadVersion = (string?)await redis.Connection.GetDatabase().StringGetAsync(keys.Current(ObjectPath.Parse(path)));

            // A dies mid-segment.
            var clock = Stopwatch.StartNew();
            await ingestA.KillAsync();

            // The encoder's retry of the same PUT goes to B while A's version still says "uploading"; it replaces it.
            var retry = await UploadPacedAsync(ingestB.Address, path, pieces, Cancellation);
            var retried = clock.Elapsed;
            Assert.Equal(204, retry);
            var deadMeta = ObjectMeta.FromHash(await redis.Connection.GetDatabase().HashGetAllAsync(keys.Meta(ObjectPath.Parse(path), deadVersion!)));
            Assert.Equal(ObjectState.Uploading, deadMeta?.State);

            // The new version is served whole to a new viewer.
            using (var whole = await player.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
                Assert.Equal(pieces.Sum(piece => piece.Length), whole.Content.Headers.ContentLength);
                Assert.Equal(pieces.SelectMany(piece => piece).ToArray(), await whole.Content.ReadAsByteArrayAsync(Cancellation));
            }

            // The viewer of A's upload is reset, never ended as if complete, within the stall limit of its last piece.
            var clean = await cut.WaitForEndAsync(Cancellation, StallLimit + Slack + TimeSpan.FromSeconds(5));
            var reset = clock.Elapsed;
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"A killed; retry on B answered {retry} after {retried.TotalMilliseconds:0} ms; the cut viewer {(clean ? "ended cleanly" : "was reset")} {reset.TotalMilliseconds:0} ms after the kill, with {cut.Received.Length} of {sent} bytes sent to A"));
            Assert.False(clean, "the viewer of the upload cut by the kill got a clean end");
            Assert.Equal(pieces[..4].SelectMany(piece => piece).ToArray(), cut.Received);
            Assert.True(reset <= StallLimit + Slack, $"the cut viewer was reset only {reset.TotalSeconds:0.0} s after the kill");
            Assert.True(await delivery.WaitForOutputAsync("that Ingest is gone", TimeSpan.FromSeconds(5), Cancellation), $"Delivery logged no reason for the reset:\n{delivery.Output}");
        }
    }

    /// <summary>Uploads <paramref name="pieces"/> a chunk at a time, as an encoder's retry does; returns the status.</summary>
    private static async Task<int> UploadPacedAsync(Uri ingest, string path, byte[][] pieces, CancellationToken cancellationToken)
    {
        await using var upload = await RawChunkedUpload.StartAsync(ingest, path, cancellationToken);
        foreach (var piece in pieces)
        {
            await upload.SendChunkAsync(piece, cancellationToken);
            await Task.Delay(PiecePause, cancellationToken);
        }

        await upload.EndAsync(cancellationToken);
        return (await upload.ReadAnswerAsync(cancellationToken)).Status;
    }
}
