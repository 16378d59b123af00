using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Uploads;

/// <summary>The concurrency limits on uploads, against real Kestrel and Redis.</summary>
public sealed class UploadSlotsTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_OverTheChannelLimit_Is429WithRetryAfter_BeforeItsBodyIsRead_AndStoresNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:MaxUploadsPerChannel"] = "2" });
        var channel = TestPaths.Channel();
        await using var first = await BeginAsync(origin, $"/{channel}/chunk-stream0-00001.m4s");
        await using var second = await BeginAsync(origin, $"/{channel}/chunk-stream1-00001.m4s");

        // Only the head is sent: the answer must come without waiting for a body.
        var refusedPath = $"/{channel}/out.mpd";
        await using var third = await RawChunkedUpload.StartAsync(origin.IngestUri, refusedPath, Cancellation);
        var (status, headers) = await third.ReadAnswerAsync(Cancellation);

        Assert.Equal(429, status);
        Assert.Contains("Retry-After: 1", headers);
        Assert.Null(await origin.CurrentMetaAsync(refusedPath));
        // Another channel is not affected.
        using var elsewhere = await origin.Ingest.PutAsync(new Uri($"/{TestPaths.Channel()}/out.mpd", UriKind.Relative), new ByteArrayContent([1]), Cancellation);
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Put_OverTheProcessLimit_Is503WithRetryAfter_UntilAnUploadEnds()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:MaxUploads"] = "2" });
        await using var first = await BeginAsync(origin, $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        await using var second = await BeginAsync(origin, $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var path = $"/{TestPaths.Channel()}/out.mpd";

        using var refused = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2]), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Null(await origin.CurrentMetaAsync(path));

        // A slot frees when an upload ends, however it ends.
        await first.EndAsync(Cancellation);
        Assert.Equal(201, (await first.ReadAnswerAsync(Cancellation)).Status);
        Assert.Equal(HttpStatusCode.Created, await PutUntilAdmittedAsync(origin, path));
    }

    [Fact]
    public async Task Put_AbortedUploads_GiveTheirSlotsBack()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:MaxUploadsPerChannel"] = "1" });
        var channel = TestPaths.Channel();

        for (var i = 1; i <= 3; i++)
        {
            var upload = await BeginAsync(origin, $"/{channel}/chunk-stream0-0000{i}.m4s");
            await upload.DisposeAsync();
            // The slot comes back once the broken request is over (its abort written, its answer attempted).
            Assert.Equal(HttpStatusCode.Created, await PutUntilAdmittedAsync(origin, $"/{channel}/probe-{i}.mpd"));
        }
    }

    /// <summary>PUTs a small object until it is not refused by a limit (for at most 10 s); returns the final status.</summary>
    private static async Task<HttpStatusCode> PutUntilAdmittedAsync(OriginHost origin, string path)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1]), deadline.Token);
            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                return response.StatusCode;
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>An upload that has begun on Redis and stays open.</summary>
    private static async Task<RawChunkedUpload> BeginAsync(OriginHost origin, string path)
    {
        var upload = await RawChunkedUpload.StartAsync(origin.IngestUri, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(100, 1), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading, Size: 100 }, Cancellation);
        return upload;
    }
}
