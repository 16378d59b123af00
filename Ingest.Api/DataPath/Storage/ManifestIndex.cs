using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Keeps <see cref="ObjectKeys.Manifests"/>: which manifests exist and when each was last replaced.
/// A key of its own, outside every channel's slot, so it is written after (not inside) a channel's scripts.
/// </summary>
internal sealed partial class ManifestIndex(IConnectionMultiplexer redis, ObjectKeys keys, IOptions<IngestOptions> options, ILogger<ManifestIndex> logger)
{
    public static bool Indexes(ObjectPath path) =>
        MediaTypes.TryGet(path, out _, out var kind) && kind == ObjectKind.Manifest;

    /// <summary>
    /// Records a completed manifest. A failure is logged, not thrown: on a Redis Cluster this key lives on one master,
    /// usually not the channel's, and that master being down must not fail the uploads of channels on the others (the
    /// manifest is stored by then; the encoder's next manifest, a segment later, records it again).
    /// </summary>
    public async Task RecordAsync(ObjectPath path, DateTimeOffset completedAt)
    {
        var db = redis.GetDatabase();
        var now = completedAt.ToUnixTimeMilliseconds();
        // Manifests not replaced within the retention have expired from Redis: forget them here too.
        var forgetBefore = now - (long)options.Value.CompletedRetention.TotalMilliseconds;
        try
        {
            await Task.WhenAll(
                db.SortedSetAddAsync(keys.Manifests, path.Value, now),
                db.SortedSetRemoveRangeByScoreAsync(keys.Manifests, double.NegativeInfinity, forgetBefore, Exclude.Stop));
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            NotRecorded(logger, ex, path.Value);
        }
    }

    public Task RemoveAsync(ObjectPath path) =>
        redis.GetDatabase().SortedSetRemoveAsync(keys.Manifests, path.Value);

    [LoggerMessage(1101, LogLevel.Warning, "The manifest {Path} is stored but could not be recorded in the manifest index; its next upload records it")]
    private static partial void NotRecorded(ILogger logger, Exception exception, string path);
}
