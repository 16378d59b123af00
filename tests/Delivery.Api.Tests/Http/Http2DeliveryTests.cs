using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CmafOrigin.Delivery.Tests.Hls;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Http;

/// <summary>
/// Delivery on an HTTPS endpoint given through Kestrel's standard configuration (<c>Kestrel:Endpoints:Https</c>, a PEM
/// certificate made in the test): HTTP/2 by ALPN with HTTP/1.1 as fallback, and what low latency rests on (a segment
/// streamed while it uploads, blocking playlist reloads, a held preload hint) works the same over h2.
/// </summary>
public sealed partial class Http2DeliveryTests(RedisServer redis) : IAsyncLifetime
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private readonly int _httpsPort = FreePort.Next();
    private OriginHost _origin = null!;
    private DeliveryInstance _https = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginHost.StartAsync(redis);
        // A Delivery instance of its own: the settings of OriginHost.StartAsync go to Ingest too, which would bind the port twice.
        _https = await _origin.StartDeliveryAsync(_certificate.HttpsEndpointSettings(_httpsPort));
    }

    public async ValueTask DisposeAsync()
    {
        await _https.DisposeAsync();
        await _origin.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task HttpsEndpoint_NegotiatesH2_AndFallsBackToHttp11_WhilePlainHttpStaysHttp11()
    {
        var https = HttpsUri();
        using var h2 = _certificate.CreateClient(https, HttpVersion.Version20);
        using var h11 = _certificate.CreateClient(https, HttpVersion.Version11);

        using var overH2 = await h2.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);
        using var overH11 = await h11.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);
        using var plain = await _https.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (overH2.StatusCode, overH2.Version));
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (overH11.StatusCode, overH11.Version));
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (plain.StatusCode, plain.Version));
        Assert.Equal("http", _https.Uri.Scheme);
    }

    [Fact]
    public async Task InProgressSegment_ArrivesChunkByChunk_OverH2()
    {
        using var h2 = _certificate.CreateClient(HttpsUri(), HttpVersion.Version20);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var pieces = Enumerable.Range(0, 4).Select(i => TestPaths.Payload(3000 + (i * 1000), i)).ToArray();
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(pieces[0], Cancellation);

        await using var viewer = await StreamingViewer.OpenAsync(h2, path, Cancellation);
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (viewer.Response.StatusCode, viewer.Response.Version));
        var sent = 0;
        foreach (var piece in pieces)
        {
            if (sent > 0)
            {
                await upload.SendAsync(piece, Cancellation);
            }

            sent += piece.Length;
            // Each piece reaches the player in DATA frames before the next one is even uploaded.
            await viewer.WaitForBytesAsync(sent, Cancellation, TimeSpan.FromSeconds(10));
            Assert.Equal(sent, viewer.Received.Length);
            Assert.Null(viewer.EndedCleanly);
        }

        using var answer = await upload.CompleteAsync(Cancellation);
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
        Assert.Equal(pieces.SelectMany(p => p).ToArray(), viewer.Received);
    }

    [Fact]
    public async Task BlockingReloadAndPreloadHint_AreHeldOnOneH2Connection_UntilThePartArrives()
    {
        using var h2 = _certificate.CreateClient(HttpsUri(), HttpVersion.Version20);
        var channel = TestPaths.Channel();
        await HlsChannelUpload.PublishAsync(_origin, channel, Cancellation);
        var playlistPath = $"/{channel}/out-llhls-v.m3u8";
        using var first = await h2.GetAsync(new Uri(playlistPath + "?_HLS_msn=1", UriKind.Relative), Cancellation);
        var hint = PreloadHint().Match(await first.Content.ReadAsStringAsync(Cancellation)).Groups[1].Value;
        Assert.Equal(HttpVersion.Version20, first.Version);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"out-llhls-v-t{4 * 15 * CmafSample.SampleDuration}.m4s"), hint);

        // Both asked before segment 2 exists, on the same connection: h2 streams, not a connection each.
        var reload = h2.GetAsync(new Uri(playlistPath + "?_HLS_msn=2&_HLS_part=0", UriKind.Relative), Cancellation);
        var part = h2.GetAsync(new Uri($"/{channel}/{hint}", UriKind.Relative), Cancellation);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
        Assert.False(reload.IsCompleted || part.IsCompleted, "the blocking reload or the preload hint was answered before the part existed");

        await HlsChannelUpload.UploadSegmentAsync(_origin, channel, 2, Cancellation);
        using var reloaded = await reload.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        using var hinted = await part.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (reloaded.StatusCode, reloaded.Version));
        Assert.Contains($"URI=\"{hint}\",INDEPENDENT=YES", await reloaded.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (hinted.StatusCode, hinted.Version));
        Assert.NotEmpty(await hinted.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [GeneratedRegex("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"")]
    private static partial Regex PreloadHint();

    private Uri HttpsUri() => new($"https://127.0.0.1:{_httpsPort}");
}
