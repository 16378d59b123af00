using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Writes object versions to Redis: begin, append a piece, complete, abort, delete.
/// </summary>
/// <remarks>
/// The methods take no CancellationToken on purpose: a Redis write cannot be recalled once sent,
/// and giving up on one half-way would leave the version's state unknown. They are bounded by the
/// multiplexer's own timeouts instead.
/// </remarks>
internal sealed class ObjectStore(
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    ManifestIndex manifests,
    IOptions<IngestOptions> options,
    TimeProvider time)
{
    private readonly IngestOptions _options = options.Value;

    private IDatabase Database => redis.GetDatabase();

    public async Task<UploadingVersion> BeginAsync(ObjectPath path, string contentType, string? traceParent)
    {
        var now = time.GetUtcNow();
        var version = VersionIds.New(now);
        var current = keys.Current(path);
        var versions = keys.Versions(path);
        var meta = keys.Meta(path, version);

        var previous = (string?)await Database.ScriptEvaluateAsync(
            ObjectScripts.Begin,
            [current, meta, versions],
            [version, contentType, now.ToUnixTimeMilliseconds(), Milliseconds(_options.UploadingTtl), traceParent ?? string.Empty,
             keys.Events.ToString(), Event(path, version, ObjectEventKind.Started)]);

        var chunks = keys.Chunks(path, version);
        var previousMeta = previous is null ? meta : keys.Meta(path, previous);
        return new UploadingVersion(
            path,
            version,
            previous,
            chunkKeys: [meta, chunks, current, versions],
            abortKeys: [meta, chunks, current, versions, previousMeta],
            chunkEvent: Event(path, version, ObjectEventKind.Chunk));
    }

    /// <summary>Appends one piece; false when the version stopped uploading (deleted meanwhile).</summary>
    public async Task<bool> AppendAsync(UploadingVersion upload, ReadOnlyMemory<byte> piece, DateTimeOffset receivedAt)
    {
        var now = time.GetUtcNow();
        var stored = (long)await Database.ScriptEvaluateAsync(
            ObjectScripts.Append,
            upload.ChunkKeys,
            [upload.Version, piece, ToUnixMicroseconds(receivedAt), now.ToUnixTimeMilliseconds(), Milliseconds(_options.UploadingTtl),
             keys.Events.ToString(), upload.ChunkEvent]);

        if (stored == 0)
        {
            return false;
        }

        upload.Size += piece.Length;
        upload.Chunks++;
        return true;
    }

    /// <summary>Writes the end marker; false when the version stopped uploading (deleted meanwhile).</summary>
    public async Task<bool> CompleteAsync(UploadingVersion upload)
    {
        var now = time.GetUtcNow();
        var completed = (long)await Database.ScriptEvaluateAsync(
            ObjectScripts.Complete,
            upload.ChunkKeys,
            [upload.Version, now.ToUnixTimeMilliseconds(), Milliseconds(_options.CompletedRetention),
             keys.Events.ToString(), Event(upload.Path, upload.Version, ObjectEventKind.Completed)]);
        if (completed == 1 && ManifestIndex.Indexes(upload.Path))
        {
            await manifests.RecordAsync(upload.Path, now);
        }

        return completed == 1;
    }

    /// <summary>Writes the abort marker, and makes the previous version current again if it is retained.</summary>
    public Task AbortAsync(UploadingVersion upload, string reason) =>
        Database.ScriptEvaluateAsync(
            ObjectScripts.Abort,
            upload.AbortKeys,
            [upload.Version, upload.Previous ?? string.Empty, time.GetUtcNow().ToUnixTimeMilliseconds(),
             Milliseconds(_options.AbortedRetention), reason,
             keys.Events.ToString(), Event(upload.Path, upload.Version, ObjectEventKind.Aborted)]);

    /// <summary>Removes every version of the object at <paramref name="path"/>, aborted ones included; false when there was none.</summary>
    public async Task<bool> DeleteAsync(ObjectPath path)
    {
        var db = Database;
        var current = keys.Current(path);
        var versionsKey = keys.Versions(path);

        // List (both reads pipelined), then delete exactly what was listed in one atomic script
        // with every key declared.
        var listing = db.SortedSetRangeByRankAsync(versionsKey);
        var currentVersion = await db.StringGetAsync(current);
        var versions = (await listing).Append(currentVersion)
            .Where(v => !v.IsNullOrEmpty)
            .Select(v => (string)v!)
            .Distinct()
            .ToList();
        if (versions.Count == 0)
        {
            return false;
        }

        var scriptKeys = new List<RedisKey>(2 + (2 * versions.Count)) { current, versionsKey };
        foreach (var version in versions)
        {
            scriptKeys.Add(keys.Meta(path, version));
            scriptKeys.Add(keys.Chunks(path, version));
        }

        var removed = (long)await db.ScriptEvaluateAsync(
            ObjectScripts.Delete,
            [.. scriptKeys],
            [.. versions.Select(v => (RedisValue)v), keys.Events.ToString(), Event(path, string.Empty, ObjectEventKind.Deleted)]);
        if (ManifestIndex.Indexes(path))
        {
            await manifests.RemoveAsync(path);
        }

        return removed > 0;
    }

    private static byte[] Event(ObjectPath path, string version, ObjectEventKind kind) =>
        new ObjectEvent { Path = path.Value, Version = version, Kind = kind }.ToByteArray();

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static long ToUnixMicroseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
