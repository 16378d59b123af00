using System.Globalization;
using System.Text;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Uploads;
using CmafOrigin.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CmafOrigin.Ingest.Tests.Uploads;

/// <summary>
/// Chunk handling end to end on real Kestrel and Redis: a random body, framed chunked at random points (or by
/// Content-Length), sent in random network writes with random pauses, is served by Delivery byte for byte to a
/// live viewer and to a later GET, and stored in a bounded number of stream entries.
/// </summary>
public sealed class UploadChunkingPropertyTests(OriginFixture fixture, RedisServer redis) : IClassFixture<OriginFixture>
{
    /// <summary>Kestrel receives into at least 2 KiB of free pool block per socket read (half its 4 KiB block).</summary>
    private const int MinReceiveBytes = 2048;

    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Property(MaxTest = 25)]
    public Property Upload_RandomBodyInRandomWritesAndPauses_IsServedByteForByte_InBoundedEntries() =>
        Prop.ForAll(Cases().ToArbitrary(), RunAsync);

    private async Task RunAsync(UploadCase upload)
    {
        var path = $"/{TestPaths.Channel("prop")}/chunk-stream0-00001.m4s";
        var body = TestPaths.Payload(upload.Length, upload.Seed);
        var writes = upload.Writes(RawConnection.Bytes(upload.Head(path)), body);
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);
        var viewerAfter = Math.Min(upload.ViewerAfter, writes.Count - 1);
        StreamingViewer? viewer = null;
        try
        {
            for (var i = 0; i < writes.Count; i++)
            {
                Assert.True(await connection.SendAsync(writes[i], Cancellation), $"write {i} of {upload}");
                if (i == viewerAfter)
                {
                    // The head is out: the version exists, and a viewer opened now follows the upload live.
                    await _origin.WaitForCurrentAsync(path, meta => meta is not null, Cancellation);
                    viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
                }

                await Task.Delay(upload.PausesMs[i % upload.PausesMs.Length], Cancellation);
            }

            var answer = await connection.ReadResponseAsync(Cancellation);
            Assert.Equal(201, answer?.Status);
            Assert.NotNull(viewer);
            Assert.True(await viewer.WaitForEndAsync(Cancellation), $"the live viewer's response failed: {upload}");
            Assert.Equal(body, viewer.Received);
        }
        finally
        {
            if (viewer is not null)
            {
                await viewer.DisposeAsync();
            }
        }

        Assert.Equal(body, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation));
        await AssertEntriesAsync(path, body, writes.Skip(1).Select(w => w.Length).ToArray(), upload);
    }

    /// <summary>
    /// The stream holds the body in order, each entry non-empty and at most <see cref="UploadReceiver.MaxPieceBytes"/>,
    /// then one end marker; there are no more entries than socket reads could deliver the writes in.
    /// </summary>
    private async Task AssertEntriesAsync(string path, byte[] body, int[] bodyWrites, UploadCase upload)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = redis.Connection.GetDatabase();
        var meta = await _origin.CurrentMetaAsync(path);
        Assert.Equal(ObjectState.Complete, meta?.State);
        var version = (string?)await db.StringGetAsync(_origin.Keys.Current(objectPath));
        var entries = await db.StreamRangeAsync(_origin.Keys.Chunks(objectPath, version!));

        var data = entries[..^1].Select(entry => (byte[])entry[ObjectFields.Data]!).ToArray();
        Assert.Equal(body.Length.ToString(CultureInfo.InvariantCulture), (string?)entries[^1][ObjectFields.End]);
        Assert.Equal(body, data.SelectMany(piece => piece).ToArray());
        Assert.All(data, piece => Assert.InRange(piece.Length, 1, UploadReceiver.MaxPieceBytes));
        Assert.Equal(meta!.Chunks, data.Length);
        var bound = bodyWrites.Sum(write => ((write + MinReceiveBytes - 1) / MinReceiveBytes) + 1);
        Assert.True(data.Length <= bound, $"{data.Length} entries for {bodyWrites.Length} writes (bound {bound}): {upload}");
    }

    private static Gen<UploadCase> Cases() =>
        from length in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 600)), (4, Gen.Choose(601, 48 * 1024)))
        from seed in Gen.Choose(1, int.MaxValue)
        from chunked in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from chunkCuts in Gen.Choose(0, 1000).ArrayOf().Select(cuts => cuts.Take(8).ToArray())
        from writeCuts in Gen.Choose(0, 1000).ArrayOf().Select(cuts => cuts.Take(12).ToArray())
        from pauses in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 30))).ArrayOf(4)
        from viewerAfter in Gen.Choose(0, writeCuts.Length)
        select new UploadCase(length, seed, chunked, chunkCuts, writeCuts, pauses, viewerAfter);

    /// <summary>One generated upload. Cut points are per mille of the length they cut, so they shrink and print independently of it.</summary>
    internal sealed record UploadCase(int Length, int Seed, bool Chunked, int[] ChunkCuts, int[] WriteCuts, int[] PausesMs, int ViewerAfter)
    {
        public string Head(string path) =>
            $"PUT {path} HTTP/1.1\r\nHost: origin\r\n" + (Chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {Length}") + "\r\n\r\n";

        /// <summary>The head as the first write, then the framed body cut at <see cref="WriteCuts"/>.</summary>
        public List<byte[]> Writes(byte[] head, byte[] body)
        {
            var framed = Chunked ? Frame(body) : body;
            var writes = new List<byte[]> { head };
            var start = 0;
            foreach (var cut in Cuts(WriteCuts, framed.Length))
            {
                writes.Add(framed[start..cut]);
                start = cut;
            }

            writes.Add(framed[start..]);
            writes.RemoveAll(write => write.Length == 0);
            return writes;
        }

        public override string ToString() =>
            $"length {Length}, seed {Seed}, {(Chunked ? "chunked at " + string.Join(',', ChunkCuts) : "Content-Length")}, " +
            $"writes cut at {string.Join(',', WriteCuts)}, pauses {string.Join(',', PausesMs)} ms, viewer after write {ViewerAfter}";

        private byte[] Frame(byte[] body)
        {
            using var framed = new MemoryStream();
            var start = 0;
            foreach (var cut in Cuts(ChunkCuts, body.Length).Append(body.Length))
            {
                if (cut > start)
                {
                    framed.Write(Encoding.ASCII.GetBytes($"{cut - start:x}\r\n"));
                    framed.Write(body, start, cut - start);
                    framed.Write("\r\n"u8);
                    start = cut;
                }
            }

            framed.Write("0\r\n\r\n"u8);
            return framed.ToArray();
        }

        private static IEnumerable<int> Cuts(int[] perMille, int length) =>
            perMille.Select(p => (int)((long)p * length / 1000)).Distinct().Order();
    }
}
