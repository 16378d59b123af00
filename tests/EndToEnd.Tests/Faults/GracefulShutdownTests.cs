using System.Diagnostics;
using System.Net.Sockets;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>SIGTERM to the real service processes: stop accepting, let what is in flight finish up to the deadline, then abort.</summary>
public sealed class GracefulShutdownTests(RedisServer sharedRedis)
{
    private readonly RedisServer redis = sharedRedis;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IngestSigterm_RefusesNewConnections_AndLetsAnUploadInFlightFinish()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        await using var ingest = await ServiceProcess.StartAsync(typeof(Ingest.Program).Assembly, redis, origin.KeyPrefix,
            new Dictionary<string, string> { ["Ingest:ShutdownTimeout"] = "00:00:20" });
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(ingest.Address, path, Cancellation);
        var first = TestPaths.Payload(4000, 1);
        await upload.SendChunkAsync(first, Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == first.Length, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);

        ingest.Terminate();

        // No new connection is taken.
        await WaitUntilRefusedAsync(ingest.Address);
        // The upload in flight goes on and completes; so does its viewer's response.
        var second = TestPaths.Payload(4000, 2);
        await upload.SendChunkAsync(second, Cancellation);
        await upload.EndAsync(Cancellation);
        Assert.Equal(201, (await upload.ReadAnswerAsync(Cancellation)).Status);
        Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromSeconds(15), Cancellation));
        Assert.True(await viewer.WaitForEndAsync(Cancellation), "the viewer's response failed");
        Assert.Equal([.. first, .. second], viewer.Received);
        Assert.Equal(ObjectState.Complete, (await origin.CurrentMetaAsync(path))?.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IngestSigterm_CutsAnUploadAtTheDeadline_AndWritesItsAbortMarker(bool redisSlowAtTheDeadline)
    {
        // Slow: Redis holds writes for 5 s from just before the deadline, longer than Kestrel waits for the requests
        // it aborts; the marker must still get out before the process disposes its Redis connection (UploadDrain
        // holds the host until the cut uploads have ended).
        await using var dedicated = redisSlowAtTheDeadline ? await RedisServer.StartDedicatedAsync(persistent: false) : null;
        var redis = dedicated ?? this.redis;
        await using var origin = await OriginHost.StartAsync(redis);
        await using var ingest = await ServiceProcess.StartAsync(typeof(Ingest.Program).Assembly, redis, origin.KeyPrefix,
            new Dictionary<string, string> { ["Ingest:ShutdownTimeout"] = "00:00:02" });
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = await RawChunkedUpload.StartAsync(ingest.Address, path, Cancellation);
        await upload.SendChunkAsync(TestPaths.Payload(4000, 1), Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == 4000, Cancellation);
        var version = (string?)await redis.Connection.GetDatabase().StringGetAsync(origin.Keys.Current(ObjectPath.Parse(path)));
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);

        // The encoder sends nothing more (its idle timeout, 10 s, is longer than the shutdown deadline).
        var stopping = Stopwatch.StartNew();
        ingest.Terminate();
        if (redisSlowAtTheDeadline)
        {
            // One more piece arrives and its write to Redis hangs past the deadline: the upload is cut while waiting
            // on Redis, and writes its abort marker only once Redis answers, long after Kestrel has stopped.
            await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
            await redis.Connection.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE");
            await upload.SendChunkAsync(TestPaths.Payload(4000, 2), Cancellation);
        }

        Assert.Equal(0, await ingest.WaitForExitAsync(TimeSpan.FromSeconds(15), Cancellation));
        var exited = stopping.Elapsed;
        // Its viewer is reset (the abort marker reached Redis before the process let go of it), not left hanging.
        Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(10)), "the viewer of a cut upload got a clean end");
        var entries = await redis.Connection.GetDatabase().StreamRangeAsync(origin.Keys.Chunks(ObjectPath.Parse(path), version!));
        Assert.True(entries.Length > 0 && !entries[^1][ObjectFields.Abort].IsNull, "no abort marker at the end of the cut upload's stream");
        Assert.Equal(ObjectState.Aborted, ObjectMeta.FromHash(await redis.Connection.GetDatabase().HashGetAllAsync(origin.Keys.Meta(ObjectPath.Parse(path), version!)))?.State);
        Assert.True(exited >= TimeSpan.FromSeconds(1.5), $"exited after {exited.TotalSeconds:0.0} s, before the deadline");
        Assert.True(exited < TimeSpan.FromSeconds(10), $"exited only after {exited.TotalSeconds:0.0} s");
        TestContext.Current.TestOutputHelper?.WriteLine($"exited {exited.TotalSeconds:0.0} s after SIGTERM with a 2 s deadline");
    }

    [Fact]
    public async Task DeliverySigterm_LetsAResponseInFlightFinish()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        await using var delivery = await ServiceProcess.StartAsync(typeof(Delivery.Program).Assembly, redis, origin.KeyPrefix,
            new Dictionary<string, string> { ["Delivery:ShutdownTimeout"] = "00:00:20" });
        using var client = new HttpClient { BaseAddress = delivery.Address, Timeout = TimeSpan.FromSeconds(30) };
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        var first = TestPaths.Payload(4000, 1);
        await upload.SendAsync(first, Cancellation);
        await origin.WaitForCurrentAsync(path, meta => meta?.Size == first.Length, Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(client, path, Cancellation);
        await viewer.WaitForBytesAsync(first.Length, Cancellation);

        delivery.Terminate();

        await WaitUntilRefusedAsync(delivery.Address);
        var second = TestPaths.Payload(4000, 2);
        await upload.SendAsync(second, Cancellation);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation), "the response in flight was cut");
        Assert.Equal([.. first, .. second], viewer.Received);
        Assert.Equal(0, await delivery.WaitForExitAsync(TimeSpan.FromSeconds(15), Cancellation));
    }

    /// <summary>Waits until a new connection to <paramref name="address"/> is refused (the listener is closed).</summary>
    private static async Task WaitUntilRefusedAsync(Uri address)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync(address.Host, address.Port, Cancellation);
            }
            catch (SocketException)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the service still accepts connections 10 s after SIGTERM");
            await Task.Delay(50, Cancellation);
        }
    }
}
