using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Viewers;

/// <summary>What a viewer gets for GET and HEAD, against real Ingest, Redis and Delivery.</summary>
public sealed class ObjectResponderTests(OriginFixture fixture, RedisServer redis) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_DuringUpload_ReceivesEachPieceBeforeTheNextIsSent(bool withContentLength)
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var pieces = Enumerable.Range(0, 5).Select(i => TestPaths.Payload(3000 + (i * 1000), i)).ToArray();
        var total = pieces.Sum(p => p.Length);
        await using var upload = PacedUpload.Start(_origin.Ingest, path, withContentLength ? total : null);
        await upload.SendAsync(pieces[0], Cancellation);

        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        Assert.Null(viewer.Response.Content.Headers.ContentLength);
        Assert.True(viewer.Response.Headers.TransferEncodingChunked);
        // nginx and its kind pass such a response on as it comes rather than buffer it whole.
        Assert.Equal("no", viewer.Response.Headers.GetValues("X-Accel-Buffering").Single());

        var sent = 0;
        foreach (var piece in pieces)
        {
            if (sent > 0)
            {
                await upload.SendAsync(piece, Cancellation);
            }

            sent += piece.Length;
            // The viewer has this piece while the next one has not even been sent.
            await viewer.WaitForBytesAsync(sent, Cancellation);
            Assert.Equal(sent, viewer.Received.Length);
            if (sent < total)
            {
                Assert.Null(viewer.EndedCleanly);
            }
        }

        using var answer = await upload.CompleteAsync(Cancellation);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        Assert.Equal(pieces.SelectMany(p => p).ToArray(), viewer.Received);
    }

    [Fact]
    public async Task Get_UploadBegunButNoBytesYet_SendsHeadersAtOnce()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00007.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(_origin.IngestUri, path, Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading, Size: 0 }, Cancellation);

        // The player learns the segment is coming before its first chunk exists.
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        Assert.Empty(viewer.Received);

        await upload.SendChunkAsync([7, 7, 7], Cancellation);
        await upload.EndAsync(Cancellation);
        Assert.Equal(201, (await upload.ReadAnswerAsync(Cancellation)).Status);
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        Assert.Equal([7, 7, 7], viewer.Received);
    }

    [Fact]
    public async Task Get_AfterCompletion_ReturnsExactBytesWithContentLength()
    {
        var path = $"/{TestPaths.Channel()}/init-stream0.m4s";
        var body = TestPaths.Payload(200_000, 7);
        await UploadAsync(path, body);

        using var response = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("video/iso.segment", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("X-Accel-Buffering"), "a whole object is for proxies to buffer and cache");
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("out.mpd", "application/dash+xml")]
    [InlineData("master.m3u8", "application/vnd.apple.mpegurl")]
    [InlineData("seg.mp4", "video/mp4")]
    [InlineData("seg.cmfv", "video/mp4")]
    [InlineData("seg.m4a", "audio/mp4")]
    [InlineData("seg.cmfa", "audio/mp4")]
    [InlineData("subs.vtt", "text/vtt")]
    public async Task Get_Completed_HasTheContentTypeOfItsExtension(string name, string contentType)
    {
        var path = $"/{TestPaths.Channel()}/{name}";
        await UploadAsync(path, [1, 2, 3]);

        using var response = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Head_AgreesWithGet()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream1-00001.m4s";
        await UploadAsync(path, TestPaths.Payload(5000, 1));

        using var head = await _origin.Delivery.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Cancellation);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(5000, head.Content.Headers.ContentLength);
        Assert.Equal("video/iso.segment", head.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_WhenUploadAborts_FailsInsteadOfEndingCleanly()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00002.m4s";
        var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(4000, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(4000, Cancellation);

        await upload.AbortAsync();

        Assert.False(await viewer.WaitForEndAsync(Cancellation));
        // Nothing partial is served as complete afterwards either.
        using var after = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Get_DuringReupload_ReceivesOnlyTheNewVersion()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00006.m4s";
        var first = TestPaths.Payload(3000, 1);
        await UploadAsync(path, first);

        var second = TestPaths.Payload(6000, 2);
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(second[..2000], Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading, Size: 2000 }, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(2000, Cancellation);
        await upload.SendAsync(second[2000..], Cancellation);
        using var answer = await upload.CompleteAsync(Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        Assert.Equal(second, viewer.Received);
    }

    [Fact]
    public async Task Get_ManifestDuringItsUpload_WaitsAndGetsTheWholeNewManifest()
    {
        var path = $"/{TestPaths.Channel()}/out.m3u8";
        await UploadAsync(path, "#EXTM3U\n#first\n"u8.ToArray());
        var second = "#EXTM3U\n#second, a little longer\n"u8.ToArray();
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(second[..10], Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading, Size: 10 }, Cancellation);

        var get = _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        await upload.SendAsync(second[10..], Cancellation);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        using var response = await get.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(second.Length, response.Content.Headers.ContentLength);
        Assert.Equal(second, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_ManifestWhoseReuploadStalls_GetsThePreviousWholeManifest()
    {
        var path = $"/{TestPaths.Channel()}/out.m3u8";
        var first = "#EXTM3U\n#first\n"u8.ToArray();
        await UploadAsync(path, first);
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync("#EXTM3U"u8.ToArray(), Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading }, Cancellation);

        Assert.Equal(first, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Get_ViewerOfOldVersion_KeepsItWhileANewOneUploads()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00003.m4s";
        var first = TestPaths.Payload(8000, 1);
        await using var firstUpload = PacedUpload.Start(_origin.Ingest, path);
        await firstUpload.SendAsync(first[..4000], Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta is { Size: 4000 }, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(4000, Cancellation);

        // An encoder restart begins the same name again while the first upload still runs.
        var second = TestPaths.Payload(8000, 2);
        await UploadAsync(path, second);
        await firstUpload.SendAsync(first[4000..], Cancellation);
        (await firstUpload.CompleteAsync(Cancellation)).Dispose();

        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        Assert.Equal(first, viewer.Received);
        Assert.Equal(second, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Get_AfterAbortedReupload_ReturnsThePreviousCompleteVersion()
    {
        var path = $"/{TestPaths.Channel()}/out.mpd";
        var first = TestPaths.Payload(3000, 1);
        await UploadAsync(path, first);

        await _origin.UploadThenDropAsync(path, TestPaths.Payload(1000, 2), Cancellation);

        Assert.Equal(ObjectState.Complete, (await _origin.CurrentMetaAsync(path))?.State);
        Assert.Equal(first, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Get_BeforeUploadStarts_ReceivesTheObjectOnceItStarts()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00004.m4s";
        var body = TestPaths.Payload(10_000, 4);
        var early = _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation);
        await _origin.WaitForHeldRequestAsync(Cancellation);
        Assert.False(early.IsCompleted);

        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(body[..5000], Cancellation);
        using var response = await early.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await upload.SendAsync(body[5000..], Cancellation);
        (await upload.CompleteAsync(Cancellation)).Dispose();

        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_NeverUploaded_Is404NoStoreAfterTheWait()
    {
        var clock = new ObservedClock();
        var wait = TimeSpan.FromSeconds(3);
        await using var origin = await OriginHost.StartAsync(
            redis, new Dictionary<string, string?> { ["Delivery:EarlyRequestWait"] = wait.ToString() }, services => services.AddSingleton<TimeProvider>(clock));
        var path = $"/{TestPaths.Channel()}/chunk-stream0-99999.m4s";

        var get = origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        // It holds the request for the early-request wait rather than answering at once.
        await clock.WhenArmedAsync(wait).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(get.IsCompleted);
        clock.Advance(wait);
        using var response = await get.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/favicon.ico")]
    [InlineData("/live/demo/nothing")]
    public async Task Get_TypeThatIsNeverStored_Is404AtOnce(string path)
    {
        // A wait long enough that answering only after it would fail the test's own timeout.
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Delivery:EarlyRequestWait"] = "00:00:30" });

        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("/live/%2e%2e/secret.m4s")]
    [InlineData("/live/../secret.m4s")]
    [InlineData("/live//x.m4s")]
    [InlineData("/live/a%2Fb.m4s")]
    public async Task Get_MalformedPath_Is400(string path)
    {
        Assert.Equal(400, await RawHttp.SendAsync(_origin.DeliveryUri, $"GET {path} HTTP/1.1", null, Cancellation));
    }

    [Fact]
    public async Task Get_FiftyViewersOfOneUpload_AllReceiveIdenticalCompleteBytes()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00005.m4s";
        var pieces = Enumerable.Range(0, 10).Select(i => TestPaths.Payload(20_000, 100 + i)).ToArray();
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(pieces[0], Cancellation);

        var viewers = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation)));
        try
        {
            foreach (var piece in pieces.Skip(1))
            {
                await upload.SendAsync(piece, Cancellation);
            }

            (await upload.CompleteAsync(Cancellation)).Dispose();
            var expected = pieces.SelectMany(p => p).ToArray();
            foreach (var viewer in viewers)
            {
                Assert.True(await viewer.WaitForEndAsync(Cancellation));
                Assert.Equal(expected, viewer.Received);
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

    private async Task UploadAsync(string path, byte[] body)
    {
        using var response = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"upload of {path}: {response.StatusCode}");
    }
}
