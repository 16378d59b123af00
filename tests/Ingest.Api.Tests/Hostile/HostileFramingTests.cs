using System.Diagnostics;
using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>
/// Bodies whose framing is broken or lies: each is refused with a status or a closed connection, never stored as a
/// complete object, and an upload already begun is left aborted (its viewers fail instead of keeping a truncated copy).
/// </summary>
public sealed class HostileFramingTests(HostileOriginFixture fixture, RedisServer redis) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Chunked bodies Kestrel cannot decode, by what is wrong with them.</summary>
    public static TheoryData<string, string> MalformedChunkedBodies() => new()
    {
        { "bad hex size", "zz\r\nhello\r\n0\r\n\r\n" },
        { "bad hex size after a good chunk", "5\r\nhello\r\nzz\r\nhello\r\n0\r\n\r\n" },
        { "negative size", "-5\r\nhello\r\n0\r\n\r\n" },
        { "missing CRLF after the data", "5\r\nhelloXX5\r\nhello\r\n0\r\n\r\n" },
        { "data longer than its size", "3\r\nhello\r\n0\r\n\r\n" },
        { "size overflowing 64 bits", "FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n" },
        { "size overflowing 32 bits", "100000000\r\nhello\r\n0\r\n\r\n" },
        { "garbage in the trailers", "5\r\nhello\r\n0\r\n\u0001garbage without a colon\r\n\r\n" },
        { "trailer with a NUL", "5\r\nhello\r\n0\r\nX-T: a\u0000b\r\n\r\n" },
        { "bare LF framing", "5\nhello\n0\n\n" },
        { "empty size line", "\r\nhello\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(MalformedChunkedBodies))]
    public async Task MalformedChunkedBody_Is400AndClosed_AndLeavesOnlyAnAbortedVersion(string what, string body)
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"PUT {path} HTTP/1.1\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n{body}", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);
        Assert.Equal(400, response?.Status);
        Assert.Contains("malformed request body", response!.BodyText, StringComparison.Ordinal);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed, what);
        await AssertOnlyAbortedVersionsAsync(path);
    }

    [Fact]
    public async Task MalformedChunkAfterGoodOnes_FailsTheLiveViewer()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00002.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(_origin.IngestUri, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(1000, 1), Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta?.Size == 1000, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);
        await viewer.WaitForBytesAsync(1000, Cancellation);

        await upload.SendRawAsync("zz\r\n"u8.ToArray(), Cancellation);

        var (status, _) = await upload.ReadAnswerAsync(Cancellation);
        Assert.Equal(400, status);
        Assert.False(await viewer.WaitForEndAsync(Cancellation));
        await AssertOnlyAbortedVersionsAsync(path);
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip\r\n", "hello")]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n", "hello")]
    [InlineData("Transfer-Encoding: identity\r\n", "hello")]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!")]
    [InlineData("Content-Length: -5\r\n", "hello")]
    [InlineData("Content-Length: 5x\r\n", "hello")]
    [InlineData("Content-Length: 99999999999999999999999\r\n", "hello")]
    public async Task UnusableBodyFraming_IsRefusedBeforeAnythingIsStored(string framing, string body)
    {
        var channel = TestPaths.Channel();

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"PUT /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\n{framing}\r\n{body}"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.True(response.Closes);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task PutWithNeitherLengthNorChunked_HasAnEmptyBody_AndWhatFollowsIsNotPartOfIt()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00005.m4s";
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"PUT {path} HTTP/1.1\r\nHost: origin\r\n\r\nhello, not a request\r\n\r\n", Cancellation);

        // HTTP/1.1: a request without Content-Length or Transfer-Encoding has no body.
        Assert.Equal(201, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.Equal(400, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        Assert.Equal(0, (await _origin.CurrentMetaAsync(path))?.Size);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n")]
    public async Task ContentLengthTogetherWithChunked_Is400AndClosed_AndStoresNothing(string framing)
    {
        var channel = TestPaths.Channel();
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"PUT /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\n{framing}\r\n5\r\nhello\r\n0\r\n\r\n", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);
        Assert.Equal(400, response?.Status);
        Assert.Contains("ambiguous", response!.BodyText, StringComparison.Ordinal);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task ChunkedInHttp10_Is400AndClosed_AndStoresNothing()
    {
        var channel = TestPaths.Channel();
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"PUT /{channel}/a.m4s HTTP/1.0\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);
        Assert.Equal(400, response?.Status);
        Assert.Contains("HTTP/1.0", response!.BodyText, StringComparison.Ordinal);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task ContentLengthLongerThanTheBody_ThenSilence_IsAbortedByTheIdleTimeout()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00003.m4s";
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);
        var elapsed = Stopwatch.StartNew();

        await connection.SendAsync($"PUT {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: 1000\r\n\r\n{new string('a', 400)}", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);
        Assert.Equal(408, response?.Status);
        // Timers fire to the millisecond tick, so allow a few ms under the timeout.
        Assert.True(elapsed.Elapsed >= HostileOriginFixture.IdleTimeout - TimeSpan.FromMilliseconds(50), $"answered after {elapsed.Elapsed}");
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        await AssertOnlyAbortedVersionsAsync(path);
    }

    [Fact]
    public async Task ContentLengthShorterThanTheBody_StoresExactlyThatLength_AndTheRestIsNeverPartOfIt()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00004.m4s";
        var declared = TestPaths.Payload(1000, 4);
        var extra = RawConnection.Bytes("EXTRA BYTES THAT ARE NOT A REQUEST\r\n\r\n");
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync([.. RawConnection.Bytes($"PUT {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: {declared.Length}\r\n\r\n"), .. declared, .. extra], Cancellation);

        Assert.Equal(201, (await connection.ReadResponseAsync(Cancellation))?.Status);
        // What follows the declared length is read as the next request, and refused as one.
        Assert.Equal(400, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        var meta = await _origin.CurrentMetaAsync(path);
        Assert.Equal(ObjectState.Complete, meta?.State);
        Assert.Equal(declared.Length, meta!.Size);
        Assert.Equal(declared, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task DeleteWithAContentLengthBody_Is400AndDeletesNothing()
    {
        var path = $"/{TestPaths.Channel()}/out.mpd";
        using (var stored = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"DELETE {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: 5\r\n\r\nhello"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.Contains("carries no body", response.BodyText, StringComparison.Ordinal);
        Assert.Equal(ObjectState.Complete, (await _origin.CurrentMetaAsync(path))?.State);
    }

    [Theory]
    [InlineData("0\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\n\r\n")]
    public async Task ChunkedDelete_AsFfmpegSendsIt_DeletesAtOnce_AndItsBodyIsNeverStored(string body)
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/out.mpd";
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation)).Dispose();

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"DELETE {path} HTTP/1.1\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n{body}"), Cancellation);

        Assert.Equal(200, response.Status);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task ChunkedDelete_WhoseSenderClosesWithoutWaiting_StillDeletes()
    {
        var channel = TestPaths.Channel();
        var path = $"/{channel}/out.mpd";
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation)).Dispose();

        await using (var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation))
        {
            // ffmpeg at exit: the request and its empty body in one write, then the socket closed.
            await connection.SendAsync($"DELETE {path} HTTP/1.1\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Cancellation);
        }

        await _origin.WaitForCurrentAsync(path, meta => meta is null, Cancellation);
    }

    /// <summary>No version of <paramref name="path"/> is current, uploading or complete; each one begun ends in an abort marker.</summary>
    private async Task AssertOnlyAbortedVersionsAsync(string path)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = redis.Connection.GetDatabase();
        await _origin.WaitForCurrentAsync(path, meta => meta is null, Cancellation);
        foreach (var version in await db.SortedSetRangeByRankAsync(_origin.Keys.Versions(objectPath)))
        {
            var meta = ObjectMeta.FromHash(await db.HashGetAllAsync(_origin.Keys.Meta(objectPath, version!)));
            Assert.Equal(ObjectState.Aborted, meta?.State);
            var last = await db.StreamRangeAsync(_origin.Keys.Chunks(objectPath, version!), count: 1, messageOrder: StackExchange.Redis.Order.Descending);
            Assert.True(last.Single()[ObjectFields.Abort].HasValue);
        }

        using var get = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
