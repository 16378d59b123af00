using System.Net;
using System.Text;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Uploads;

/// <summary>How Ingest takes an upload, against real Redis and Kestrel.</summary>
public sealed class UploadReceiverTests(OriginFixture fixture, RedisServer redis) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_NewObject_Is201_ThenReplacingIt_Is204()
    {
        var path = $"/{TestPaths.Channel()}/out.mpd";

        using var created = await PutAsync(path, [1, 2, 3]);
        using var replaced = await PutAsync(path, [4, 5, 6]);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
        Assert.Equal([4, 5, 6], await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Post_IsEquivalentToPut()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";

        using var response = await _origin.Ingest.PostAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([9, 8, 7]), Cancellation);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([9, 8, 7], await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Put_PublishesEachPieceOnRedisBeforeTheBodyEnds()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00002.m4s";
        await using var upload = PacedUpload.Start(_origin.Ingest, path);

        foreach (var (piece, index) in new[] { TestPaths.Payload(1000, 1), TestPaths.Payload(2000, 2) }.Select((p, i) => (p, i)))
        {
            await upload.SendAsync(piece, Cancellation);
            // The piece is on its version's stream while the upload is still open.
            await _origin.WaitForCurrentAsync(path, meta => meta?.Chunks >= index + 1, Cancellation);
            var entries = await ChunkEntriesAsync(path);
            Assert.Equal(piece, entries.Last()[ObjectFields.Data]);
            Assert.True(entries.Last()[ObjectFields.ReceivedAt].HasValue);
        }

        Assert.Equal(ObjectState.Uploading, (await _origin.CurrentMetaAsync(path))!.State);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        var meta = await _origin.CurrentMetaAsync(path);
        Assert.Equal(ObjectState.Complete, meta!.State);
        Assert.Equal(3000, meta.Size);
        Assert.Equal("3000", (string?)(await ChunkEntriesAsync(path)).Last()[ObjectFields.End]);
    }

    [Theory]
    [InlineData("/live/../secret.m4s")]
    [InlineData("/live/%2e%2e/secret.m4s")]
    [InlineData("/live/%252e%252e/secret.m4s")]
    [InlineData("/live/./out.mpd")]
    [InlineData("/live\\..\\out.mpd")]
    [InlineData("/live//out.mpd")]
    [InlineData("/live/out.mpd/")]
    [InlineData("/live/sp%20ace.m4s")]
    [InlineData("/live/a:b.m4s")]
    [InlineData("/")]
    public async Task Put_MalformedPath_Is400AndStoresNothing(string path)
    {
        var before = await redis.KeysAsync($"{_origin.KeyPrefix}:*");

        var status = await RawHttp.SendAsync(_origin.IngestUri, $"PUT {path} HTTP/1.1", [1, 2, 3], Cancellation);

        Assert.Equal(400, status);
        Assert.Equal(before.Order(), (await redis.KeysAsync($"{_origin.KeyPrefix}:*")).Order());
    }

    [Fact]
    public async Task Put_TooManySegmentsOrTooLong_Is400()
    {
        var deep = "/" + string.Join('/', Enumerable.Repeat("a", ObjectPath.MaxSegments)) + "/x.m4s";
        var longName = "/live/" + new string('a', ObjectPath.MaxLength) + ".m4s";

        using var tooDeep = await PutAsync(deep, [1]);
        using var tooLong = await PutAsync(longName, [1]);

        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Theory]
    [InlineData("payload.exe")]
    [InlineData("index.html")]
    [InlineData("noextension")]
    public async Task Put_UnknownExtension_Is415AndStoresNothing(string name)
    {
        var channel = TestPaths.Channel();

        using var response = await PutAsync($"/{channel}/{name}", [1, 2, 3]);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Put_DeclaredLengthOverMaximum_Is413AndStoresNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:MaxObjectBytes"] = "1000" });
        var channel = TestPaths.Channel();

        using var response = await origin.Ingest.PutAsync(new Uri($"/{channel}/big.m4s", UriKind.Relative), new ByteArrayContent(new byte[1001]), Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Put_ChunkedBodyGrowingPastMaximum_Is413AndAbortsThePartialObject()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:MaxObjectBytes"] = "10000" });
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00003.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(origin.IngestUri, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(6000, 1), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 6000, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);

        await upload.SendChunkAsync(TestPaths.Payload(6000, 2), Cancellation);

        var (status, headers) = await upload.ReadAnswerAsync(Cancellation);
        Assert.Equal(413, status);
        Assert.Contains("Connection: close", headers);
        Assert.False(await viewer.WaitForEndAsync(Cancellation));
        Assert.Null(await origin.CurrentMetaAsync(path));
    }

    [Fact]
    public async Task Put_StalledLongerThanIdleTimeout_IsAbortedAndItsViewersFail()
    {
        var clock = new ObservedClock();
        var idleTimeout = TimeSpan.FromSeconds(11);
        await using var origin = await OriginHost.StartAsync(
            redis, new Dictionary<string, string?> { ["Ingest:IdleTimeout"] = idleTimeout.ToString() }, services => services.AddSingleton<TimeProvider>(clock));
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00004.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(origin.IngestUri, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(500, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);

        // The encoder sends nothing more and never ends the body; the idle timeout passes on the clock.
        await clock.FireAsync(idleTimeout, Cancellation);
        Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(15)));
        var (status, _) = await upload.ReadAnswerAsync(Cancellation);
        Assert.Equal(408, status);
        Assert.Null(await origin.CurrentMetaAsync(path));
    }

    [Fact]
    public async Task Put_ClientDisconnectsMidBody_AbortsTheVersion()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00005.m4s";
        var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(700, 1), Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta?.Size == 700, Cancellation);
        var version = (string?)await redis.Connection.GetDatabase().StringGetAsync(_origin.Keys.Current(ObjectPath.Parse(path)));

        await upload.AbortAsync();

        await _origin.WaitForCurrentAsync(path, meta => meta is null, Cancellation);
        var meta = ObjectMeta.FromHash(await redis.Connection.GetDatabase().HashGetAllAsync(_origin.Keys.Meta(ObjectPath.Parse(path), version!)));
        Assert.Equal(ObjectState.Aborted, meta!.State);
    }

    [Fact]
    public async Task Put_SameBytesTwice_LeavesOneCurrentCompleteObject()
    {
        // An encoder retrying after a lost answer sends the same object again.
        var path = $"/{TestPaths.Channel()}/init-stream0.m4s";
        var body = Encoding.ASCII.GetBytes("ftyp....moov....");

        (await PutAsync(path, body)).Dispose();
        (await PutAsync(path, body)).Dispose();

        Assert.Equal(body, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
        Assert.Equal(ObjectState.Complete, (await _origin.CurrentMetaAsync(path))!.State);
    }

    private Task<HttpResponseMessage> PutAsync(string path, byte[] body) =>
        _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);

    private async Task<StreamEntry[]> ChunkEntriesAsync(string path)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = redis.Connection.GetDatabase();
        var version = (string?)await db.StringGetAsync(_origin.Keys.Current(objectPath));
        return await db.StreamRangeAsync(_origin.Keys.Chunks(objectPath, version!));
    }
}
