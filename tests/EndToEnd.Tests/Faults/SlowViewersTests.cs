using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>200 viewers that read a few bytes a second or nothing, with 20 normal ones, on a live ffmpeg channel.</summary>
/// <remarks>
/// Alone in the process (its own collection, not run in parallel): it compares latencies between two phases and
/// reads the heap of this process, where Delivery runs; other tests' work would blur both.
/// </remarks>
[Collection(nameof(SlowViewersTests))]
[CollectionDefinition(nameof(SlowViewersTests), DisableParallelization = true)]
public sealed class SlowViewersTests(RedisServer redis)
{
    private const int SlowViewers = 200;
    private const int NormalViewers = 20;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task SlowViewers_AreDisconnected_WhileNormalOnesKeepTheirLatency_AndMemoryStaysBounded()
    {
        // Loopback lets the kernel grow a socket's send buffer to 4 MiB, more than a whole segment, so a viewer that
        // reads nothing would never push back. Delivery's sockets get a send buffer of a WAN link's order instead.
        await using var origin = await OriginHost.StartAsync(
            redis,
            new Dictionary<string, string?> { ["Delivery:ViewerWriteTimeout"] = "00:00:02" },
            services => services.Configure<SocketTransportOptions>(transport => transport.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = 16 * 1024;
                return socket;
            }));
        await using var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            // One rendition at 3 Mbit/s: segments of ~750 KB, far more than a stuck viewer may hold, so a design that
            // kept what a viewer has not read would show in the heap (200 × ~700 KB).
            FfmpegEncoderSettings.Default with { Video = [new VideoRendition(640, 360, 3000)], Duration = TimeSpan.FromSeconds(60) });

        using var disconnects = new InstrumentCounter(origin.DeliveryServices, "cmaforigin.delivery.viewers.disconnected");

        // 1. Baseline: 20 normal viewers of one segment, nobody else.
        var uploading = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 2, TimeSpan.FromSeconds(40), Cancellation);
        var baseline = await WatchAsync(origin, encoder.SegmentPath(0, uploading + 1), slow: null);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        // 2. The same with 200 slow viewers of the same segment: half read 5 bytes a second, half read nothing.
        uploading = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, uploading + 2, TimeSpan.FromSeconds(20), Cancellation);
        var path = encoder.SegmentPath(0, uploading + 1);
        var slow = new List<SlowViewer>();
        try
        {
            slow.AddRange(await Task.WhenAll(Enumerable.Range(0, SlowViewers).Select(i => SlowViewer.OpenAsync(origin.DeliveryUri, path, trickle: i % 2 == 0))));

            var loaded = await WatchAsync(origin, path, slow);
            // The segment is complete and every normal viewer has it; the slow ones are stuck behind full sockets.
            var heapWhileStuck = GC.GetTotalMemory(forceFullCollection: true);

            // 3. Every slow viewer is cut off: what it then reads ends without the chunked terminator. Those that
            // followed the segment live are cut by the write deadline (counted); one whose request was only handled
            // after the segment completed (a loaded machine) is served whole and cut by Kestrel's MinResponseDataRate.
            var segmentBytes = (await PiecesAsync(origin, path)).Sum(piece => piece.Bytes);
            var cut = 0;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (disconnects.Total < SlowViewers && waited.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(200, Cancellation);
            }

            foreach (var viewer in slow)
            {
                cut += await viewer.DrainAsync() ? 0 : 1;
            }

            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"segment of {segmentBytes / 1024} KiB; pass-through p95/max without slow viewers {baseline.P95:0.0}/{baseline.Max:0.0} ms, with {SlowViewers} slow viewers {loaded.P95:0.0}/{loaded.Max:0.0} ms; " +
                $"slow viewers cut: {cut} ({disconnects.Total} by the write deadline); test-process GC heap {heapBefore / 1048576.0:0.0} MiB before, " +
                $"{heapWhileStuck / 1048576.0:0.0} MiB with {SlowViewers} viewers stuck, {heapAfter / 1048576.0:0.0} MiB after they were cut"));

            Assert.Equal(SlowViewers, cut);
            Assert.True(disconnects.Total >= SlowViewers / 2, $"only {disconnects.Total} slow viewers were cut by the write deadline");
            // Normal viewers keep their latency (generous: the machine is shared).
            Assert.True(loaded.P95 <= (baseline.P95 * 2) + 250, $"p95 pass-through {loaded.P95:0.0} ms with slow viewers, {baseline.P95:0.0} ms without");
            // A stuck viewer costs its connection and at most its response buffer (64 KiB), never a copy of what it has
            // not read: 200 of them stay far below 200 × the segment. (The heap is this test process's: Delivery runs in it.)
            Assert.True(segmentBytes > 400 * 1024, $"the segment has only {segmentBytes} bytes: too small to tell");
            Assert.True(heapWhileStuck - heapBefore < 40L * 1024 * 1024, $"the heap grew by {(heapWhileStuck - heapBefore) / 1048576.0:0.0} MiB with {SlowViewers} stuck viewers");
            Assert.True(heapAfter - heapBefore < 40L * 1024 * 1024, $"the heap kept {(heapAfter - heapBefore) / 1048576.0:0.0} MiB after the slow viewers were cut");
        }
        finally
        {
            foreach (var viewer in slow)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Opens 20 normal viewers of <paramref name="path"/> before its upload starts, reads it to the end, and
    /// returns the pass-through latency of every piece to every viewer: when the viewer had the piece's last byte,
    /// minus when Ingest received it.
    /// </summary>
    private static async Task<(double P95, double Max)> WatchAsync(OriginHost origin, string path, IReadOnlyList<SlowViewer>? slow)
    {
        var viewers = await Task.WhenAll(Enumerable.Range(0, NormalViewers).Select(_ => StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation)));
        try
        {
            foreach (var viewer in viewers)
            {
                Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
                Assert.True(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "a normal viewer's response failed");
            }

            var pieces = await PiecesAsync(origin, path);
            var latencies = new List<double>();
            foreach (var viewer in viewers)
            {
                Assert.Equal(pieces.Sum(piece => piece.Bytes), viewer.Received.Length);
                Mp4Boxes.TopLevel(viewer.Received);
                var reads = viewer.ReadLog;
                long had = 0, needed = 0;
                var read = 0;
                foreach (var piece in pieces)
                {
                    needed += piece.Bytes;
                    while (had < needed)
                    {
                        had += reads[read++].Bytes;
                    }

                    latencies.Add((reads[read - 1].At - piece.ReceivedAt).TotalMilliseconds);
                }
            }

            latencies.Sort();
            return (latencies[(int)(latencies.Count * 0.95)], latencies[^1]);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    /// <summary>Size and Ingest receive time of each piece of the current version at <paramref name="path"/>.</summary>
    private static async Task<IReadOnlyList<(int Bytes, DateTimeOffset ReceivedAt)>> PiecesAsync(OriginHost origin, string path)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = origin.Redis.Connection.GetDatabase();
        var version = (string?)await db.StringGetAsync(origin.Keys.Current(objectPath));
        var entries = await db.StreamRangeAsync(origin.Keys.Chunks(objectPath, version!));
        return
        [
            .. entries
                .Where(entry => !entry[ObjectFields.Data].IsNull)
                .Select(entry => (((byte[])entry[ObjectFields.Data]!).Length, DateTimeOffset.UnixEpoch.AddTicks((long)entry[ObjectFields.ReceivedAt] * 10))),
        ];
    }

    /// <summary>A player on a link too slow for the stream: a tiny receive buffer, and 5 bytes a second read, or none.</summary>
    private sealed class SlowViewer : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _trickling;

        private SlowViewer(Socket socket, bool trickle)
        {
            _socket = socket;
            _trickling = trickle ? TrickleAsync() : Task.CompletedTask;
        }

        public static async Task<SlowViewer> OpenAsync(Uri server, string path, bool trickle)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(server.Host, server.Port, Cancellation);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n\r\n"), Cancellation);
            return new SlowViewer(socket, trickle);
        }

        /// <summary>Reads everything left at full speed; true when the response ended cleanly (chunked terminator).</summary>
        public async Task<bool> DrainAsync()
        {
            await _stop.CancelAsync();
            await _trickling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            var buffer = new byte[64 * 1024];
            var tail = string.Empty;
            try
            {
                int read;
                while ((read = await _socket.ReceiveAsync(buffer, deadline.Token)) > 0)
                {
                    var last = tail + Encoding.ASCII.GetString(buffer, Math.Max(0, read - 16), Math.Min(read, 16));
                    tail = last[Math.Max(0, last.Length - 16)..];
                    if (tail.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
            catch (SocketException)
            {
            }

            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _trickling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _socket.Dispose();
            _stop.Dispose();
        }

        private async Task TrickleAsync()
        {
            var buffer = new byte[5];
            while (!_stop.IsCancellationRequested)
            {
                if (await _socket.ReceiveAsync(buffer, _stop.Token) == 0)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
        }
    }
}
