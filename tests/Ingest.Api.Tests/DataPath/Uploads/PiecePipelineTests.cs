using System.Buffers;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Telemetry;
using CmafOrigin.Ingest.Uploads;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Uploads;

/// <summary>Pieces sent to Redis back to back, without waiting for each to be stored: in order, or not at all.</summary>
public sealed class PiecePipelineTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PiecesRedisSendsBack_AreStoredInTheirPlace_NotAfterThePiecesThatOvertookThem()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        var store = origin.IngestServices.GetRequiredService<ObjectStore>();
        var upload = await store.BeginAsync(ObjectPath.Parse(path), "video/mp4", traceParent: null);
        var body = new List<byte>();
        await using (var pieces = new PiecePipeline(store, upload, origin.IngestServices.GetRequiredService<IngestMetrics>(), TimeProvider.System, NullLogger.Instance, attention: () => { }))
        {
            for (var i = 1; i <= 200; i++)
            {
                if (i % 10 == 0)
                {
                    // Redis forgets its scripts (a replica promoted by a failover has never run them): the pieces that meet
                    // that are sent again, after the pieces already on the wire behind them.
                    await redis.Connection.GetDatabase().ExecuteAsync("SCRIPT", "FLUSH");
                }

                var piece = TestPaths.Payload(4000, i);
                Assert.Null(await pieces.SendAsync(new ReadOnlySequence<byte>(piece), DateTimeOffset.UtcNow));
                body.AddRange(piece);
            }

            Assert.Null(await pieces.DrainAsync());
        }

        Assert.True(await store.CompleteAsync(upload));
        Assert.Equal(body.Count, upload.Size);
        Assert.Equal(body.ToArray(), await origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task APieceRedisFailsLate_EndsTheUploadWhenItFails_NotAtTheEncodersNextChunk()
    {
        await using var dedicated = await RedisServer.StartDedicatedAsync(persistent: false);
        await using var origin = await OriginHost.StartAsync(dedicated, new Dictionary<string, string?> { ["Ingest:IdleTimeout"] = "00:01:00" });
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(origin.IngestUri, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(1000, 1), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 1000, Cancellation);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(dedicated.ConnectionString + ",allowAdmin=true");
        // Redis stops answering writes (hung, or cut off): the next piece fails only when the client gives up on it.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");

        // The encoder's last chunk before a pause far shorter than the idle timeout.
        await upload.SendChunkAsync(TestPaths.Payload(1000, 2), Cancellation);
        var (status, _) = await upload.ReadAnswerAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");

        Assert.Equal(503, status);
    }
}
