using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>Abort markers Redis missed are written once it takes writes again, against a real redis-server.</summary>
public sealed class PendingAbortsTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteIfAny_WithAMarkerRedisMissed_MarksTheVersionAborted()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var store = origin.IngestServices.GetRequiredService<ObjectStore>();
        var pending = origin.IngestServices.GetRequiredService<PendingAborts>();
        Assert.True(ObjectPath.TryParse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s", out var path, out var error), error);
        var upload = await store.BeginAsync(path, "video/mp4", traceParent: null);
        // As when the write failed with Redis gone (or still loading its data on reconnection).
        pending.Add(upload, "cut by a Redis outage");

        pending.WriteIfAny();

        // The version itself is marked (the path has no other version to fall back to), and the marker is no longer
        // pending: forgotten once Redis has answered, just after the script ran (the two are waited for together).
        var meta = origin.Keys.Meta(path, upload.Version);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await redis.Connection.GetDatabase().HashGetAsync(meta, ObjectFields.State) != ObjectStates.Aborted || pending.Count != 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"the missed abort marker was not written ({pending.Count} pending)");
            await Task.Delay(TimeSpan.FromMilliseconds(20), Cancellation);
        }
    }
}
