using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>A live channel pushed by real ffmpeg, watched by a streaming viewer and by ffmpeg as a DASH player.</summary>
public sealed class LiveStreamTests(LiveStreamFixture fixture) : IClassFixture<LiveStreamFixture>
{
    private static readonly string[] SegmentStartBoxes = ["styp", "prft", "moof"];

    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Get_SegmentBeingEncoded_ArrivesInPiecesOverItsDuration()
    {
        // A segment boundary: the moment the encoder starts a new segment of the first video stream.
        var latest = await fixture.LatestSegmentAsync(0);
        using (var boundary = CancellationTokenSource.CreateLinkedTokenSource(Cancellation))
        {
            boundary.CancelAfter(TimeSpan.FromSeconds(15));
            await fixture.WaitUntilAsync(async () => await fixture.LatestSegmentAsync(0) > latest, "a new segment to start", boundary.Token);
        }

        // The segment after that one starts about 2 s later. Ask for it now, early, as a low-latency player
        // does: the origin holds the request until its upload starts (up to 3 s), then streams it.
        var number = await fixture.LatestSegmentAsync(0) + 1;
        var path = fixture.Encoder.SegmentPath(0, number);
        var early = await _origin.CurrentMetaAsync(path) is null;
        Assert.True(early, $"{path} had started uploading before it was asked for: the test asked too late to be held");

        await using var waiting = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, waiting.Response.StatusCode);

        // A second viewer arrives once the first fragment is on the origin: it gets that backlog, then the rest as it comes.
        await _origin.WaitForCurrentAsync(path, meta => meta is { Chunks: > 0 } or { State: not ObjectState.Uploading }, Cancellation);
        Assert.Equal(ObjectState.Uploading, (await _origin.CurrentMetaAsync(path))?.State);
        await using var joining = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, joining.Response.StatusCode);

        Assert.True(await waiting.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "the waiting viewer's response failed");
        Assert.True(await joining.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "the joining viewer's response failed");

        // Once complete, the same segment is served whole with Content-Length: the reference bytes.
        using var complete = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation)
            .WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        var whole = await complete.Content.ReadAsByteArrayAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        Assert.Equal(whole.Length, complete.Content.Headers.ContentLength);
        var boxes = Mp4Boxes.TopLevel(whole);
        Assert.Contains(boxes[0].Type, SegmentStartBoxes);
        Assert.Contains(boxes, box => box.Type == "moof");
        Assert.Contains(boxes, box => box.Type == "mdat");

        var receivedAtIngest = await fixture.IngestReceiveTimesAsync(path);
        var ingestOffsets = receivedAtIngest.Select(at => (at - receivedAtIngest[0]).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture));
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ingest received {path} ({whole.Length} bytes; boxes {string.Join(' ', boxes.Select(box => box.Type))}) in {receivedAtIngest.Count} pieces at (ms after the first): {string.Join(' ', ingestOffsets)}"));
        foreach (var (name, viewer) in new[] { ("waiting", waiting), ("joining", joining) })
        {
            // Streamed, not buffered into one response: chunked, without a length, byte-exact.
            Assert.Null(viewer.Response.Content.Headers.ContentLength);
            Assert.True(viewer.Response.Headers.TransferEncodingChunked, $"the {name} viewer's response is not chunked");
            Assert.Equal(whole, viewer.Received);

            var reads = viewer.ReadLog;
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} viewer: " +
                $"{viewer.Pieces.Count} pieces ({reads.Count} reads) over {(reads[^1].SinceRequest - reads[0].SinceRequest).TotalMilliseconds:0} ms; " +
                $"first byte {reads[0].SinceRequest.TotalMilliseconds:0} ms after its request and " +
                $"{(reads[0].At - receivedAtIngest[0]).TotalMilliseconds:0.0} ms after Ingest received the segment's first piece; " +
                $"pieces at (ms after request): {string.Join(' ', viewer.Pieces.Select(piece => piece.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)))}"));
        }

        // The waiting viewer saw the whole segment live: several pieces spread over its 2 s (fragments every 0.5 s).
        var live = waiting.ReadLog;
        var pieces = waiting.Pieces.Count;
        Assert.True(live.Count >= 3 && pieces >= 3, $"the segment arrived in {pieces} pieces ({live.Count} reads), expected at least 3");
        var spread = live[^1].SinceRequest - live[0].SinceRequest;
        Assert.True(spread >= TimeSpan.FromSeconds(1), $"the segment's reads spanned only {spread.TotalMilliseconds:0} ms");
        // The joining viewer got the backlog at once and the rest as it came.
        Assert.True(joining.Pieces.Count >= 2, "the joining viewer got the segment in one piece");
        // Bytes leave Delivery only after Ingest has them.
        Assert.True(live[0].At >= receivedAtIngest[0].AddMilliseconds(-5), "the viewer read bytes before Ingest received them");
    }

    [Fact]
    public async Task FfmpegAsPlayer_DecodesTheLiveManifestFromDelivery()
    {
        var manifest = new Uri(_origin.DeliveryUri, fixture.Encoder.ManifestPath);

        var decoded = await DashClient.DecodesAsync(manifest, Cancellation);

        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ffmpeg decoded {decoded / 1e6:0.00} s of {manifest}"));
    }
}
