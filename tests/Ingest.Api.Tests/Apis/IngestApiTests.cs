using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Apis;

/// <summary>DELETE, as ffmpeg sends it for every segment leaving its window and for everything at exit.</summary>
public sealed class IngestApiTests(OriginFixture fixture) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_Existing_Is200AndRemovesEveryVersion()
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/out.mpd";
        for (var i = 0; i < 3; i++)
        {
            (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([(byte)i]), Cancellation)).Dispose();
        }

        Assert.NotEmpty(await _origin.StoredKeysAsync(channel));

        // ffmpeg's DELETE carries Transfer-Encoding: chunked with an empty body.
        using var request = new HttpRequestMessage(HttpMethod.Delete, path) { Content = new ByteArrayContent([]) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _origin.Ingest.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Delete_AfterAbortedUploads_RemovesTheirRemainsToo()
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/out.mpd";
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1]), Cancellation)).Dispose();
        await _origin.UploadThenDropAsync(path, [2, 2], Cancellation);

        using var response = await _origin.Ingest.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Delete_OnlyAnAbortedUploadThere_RemovesIt()
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/chunk-stream0-00009.m4s";
        await _origin.UploadThenDropAsync(path, [1, 2, 3], Cancellation);
        Assert.NotEmpty(await _origin.StoredKeysAsync(channel));

        using var response = await _origin.Ingest.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Delete_NothingThere_Is404()
    {
        using var response = await _origin.Ingest.DeleteAsync(new Uri($"/{TestPaths.Channel()}/gone.m4s", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Delete_DuringUpload_AbortsItsViewersAndTheUpload()
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta?.Size == 1000, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(1000, Cancellation);

        using var deleted = await _origin.Ingest.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(await viewer.WaitForEndAsync(Cancellation));
        try
        {
            await upload.SendAsync(TestPaths.Payload(1000, 2), Cancellation);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
        }

        using var answer = await upload.CompleteAsync(Cancellation);
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Get_OnIngest_IsNotAllowed()
    {
        using var response = await _origin.Ingest.GetAsync(new Uri($"/{TestPaths.Channel()}/out.mpd", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
