using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Keeps <see cref="ObjectKeys.Manifests"/>: which manifests exist and when each was last replaced.
/// A key of its own, outside every channel's slot, so it is written after (not inside) a channel's scripts.
/// </summary>
internal sealed class ManifestIndex(IConnectionMultiplexer redis, ObjectKeys keys, IOptions<IngestOptions> options)
{
    public static bool Indexes(ObjectPath path) =>
        MediaTypes.TryGet(path, out _, out var kind) && kind == ObjectKind.Manifest;

    public async Task RecordAsync(ObjectPath path, DateTimeOffset completedAt)
    {
        var db = redis.GetDatabase();
        var now = completedAt.ToUnixTimeMilliseconds();
        // Manifests not replaced within the retention have expired from Redis: forget them here too.
        var forgetBefore = now - (long)options.Value.CompletedRetention.TotalMilliseconds;
        await Task.WhenAll(
            db.SortedSetAddAsync(keys.Manifests, path.Value, now),
            db.SortedSetRemoveRangeByScoreAsync(keys.Manifests, double.NegativeInfinity, forgetBefore, Exclude.Stop));
    }

    public Task RemoveAsync(ObjectPath path) =>
        redis.GetDatabase().SortedSetRemoveAsync(keys.Manifests, path.Value);
}
