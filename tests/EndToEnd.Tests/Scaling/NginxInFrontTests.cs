using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Scaling;

/// <summary>Two Delivery instances behind Debian's nginx configured exactly as docs/nginx/delivery.conf says.</summary>
public sealed class NginxInFrontTests(RedisServer redis) : IAsyncLifetime
{
    private OriginHost _origin = null!;
    private DeliveryInstance _second = null!;
    private NginxProxy _nginx = null!;
    private HttpClient _player = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginHost.StartAsync(redis);
        _second = await _origin.StartDeliveryAsync();
        _nginx = await NginxProxy.StartAsync([_origin.DeliveryUri, _second.Uri], Cancellation);
        _player = new HttpClient { BaseAddress = _nginx.Uri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _player.Dispose();
        await _nginx.DisposeAsync();
        await _second.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [Fact]
    public async Task SegmentBeingUploaded_PassesThroughNginx_ChunkByChunk_NotBufferedWhole()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var pieces = Enumerable.Range(0, 4).Select(i => TestPaths.Payload(20_000 + (i * 1000), i)).ToArray();
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(pieces[0], Cancellation);

        await using var viewer = await StreamingViewer.OpenAsync(_player, path, Cancellation);
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        var sent = 0;
        foreach (var piece in pieces)
        {
            if (sent > 0)
            {
                await upload.SendAsync(piece, Cancellation);
            }

            sent += piece.Length;
            // Each piece reaches the player through nginx before the next one is even uploaded.
            await viewer.WaitForBytesAsync(sent, Cancellation, TimeSpan.FromSeconds(10));
        }

        using var completed = await upload.CompleteAsync(Cancellation);
        Assert.True(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(10)), $"the response did not end cleanly.\n{_nginx.ErrorLog}");
        Assert.Equal(pieces.SelectMany(p => p).ToArray(), viewer.Received);
    }

    [Fact]
    public async Task CompletedObject_ComesWhole_WithItsLength_FromEitherInstance()
    {
        var path = $"/{TestPaths.Channel()}/init-stream0.m4s";
        var body = TestPaths.Payload(150_000, 3);
        using (var stored = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        // Several requests: nginx spreads them over both instances, and each answers the same whole object.
        for (var i = 0; i < 4; i++)
        {
            using var response = await _player.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Cancellation));
        }
    }
}
