using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Storage;

/// <summary>
/// Reads object versions from Redis. Never blocks on Redis: every read returns what is there now. Every command the
/// data path sends to Redis goes through here and is counted (<see cref="RedisReads"/>).
/// </summary>
internal sealed class ObjectReader(IConnectionMultiplexer redis, ObjectKeys keys, RedisReads reads, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Lookup> _lookups = new(StringComparer.Ordinal);

    private IDatabase Database => redis.GetDatabase();

    public ObjectKeys Keys => keys;

    /// <summary>
    /// The current version of the object at <paramref name="path"/>, or null when there is none.
    /// Requests for the same path share a lookup already under way if it began at or after
    /// <paramref name="notBefore"/> (a <see cref="TimeProvider.GetTimestamp"/> of the injected clock; 0 accepts any): when an upload
    /// starts, the viewers waiting for it wake together, and a thousand of them cost one lookup, not a thousand.
    /// </summary>
    /// <param name="started">
    /// The version a STARTED event just named: the newest, so the lookup reads it directly and skips asking which is
    /// current (one round trip instead of two, on the path of a viewer waiting for the segment to begin).
    /// </param>
    public Task<ObjectVersion?> ResolveAsync(ObjectPath path, long notBefore = 0, string? started = null)
    {
        if (_lookups.TryGetValue(path.Value, out var running) && running.StartedAt >= notBefore)
        {
            return running.Result;
        }

        var lookup = new Lookup(time.GetTimestamp(), started is { Length: > 0 } ? GetVersionAsync(path, started) : LookUpAsync(path));
        _lookups[path.Value] = lookup;
        lookup.Result.ContinueWith(
            static (_, state) =>
            {
                var (lookups, key, done) = ((ConcurrentDictionary<string, Lookup>, string, Lookup))state!;
                lookups.TryRemove(KeyValuePair.Create(key, done));
            },
            (_lookups, path.Value, lookup),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return lookup.Result;
    }

    private async Task<ObjectVersion?> LookUpAsync(ObjectPath path)
    {
        reads.Count(RedisReadCommand.Get);
        var version = (string?)await Database.StringGetAsync(keys.Current(path));
        return version is null ? null : await GetVersionAsync(path, version);
    }

    /// <summary>One version of the object at <paramref name="path"/>, or null when it is no longer stored.</summary>
    public async Task<ObjectVersion?> GetVersionAsync(ObjectPath path, string version)
    {
        // Both in one round trip: the meta and how long the version is still retained.
        var metaKey = keys.Meta(path, version);
        reads.Count(RedisReadCommand.HashGetAll);
        reads.Count(RedisReadCommand.TimeToLive);
        var hash = Database.HashGetAllAsync(metaKey);
        var timeToLive = await Database.KeyTimeToLiveAsync(metaKey);
        var meta = ObjectMeta.FromHash(await hash);
        return meta is null ? null : new ObjectVersion(path, version, meta, timeToLive ?? TimeSpan.Zero);
    }

    /// <summary>
    /// All pieces of a completed version, or null when they are no longer all there
    /// (expired or deleted since it was resolved, or not matching the size its end marker states).
    /// </summary>
    public async Task<byte[]?> ReadCompletedAsync(ObjectVersion version)
    {
        reads.Count(RedisReadCommand.StreamRange);
        var entries = await Database.StreamRangeAsync(keys.Chunks(version.Path, version.Version));
        var pieces = new List<ReadOnlyMemory<byte>>(entries.Length);
        long size = 0;
        foreach (var entry in entries)
        {
            var piece = ChunkEntry.Parse(entry);
            switch (piece.Kind)
            {
                case ChunkEntryKind.Data:
                    pieces.Add(piece.Data);
                    size += piece.Data.Length;
                    break;
                case ChunkEntryKind.End when piece.EndSize == size:
                    return Concatenate(pieces, size);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The manifest most recently replaced by its encoder, or null when none is on the air.</summary>
    public async Task<LiveManifest?> LatestManifestAsync()
    {
        reads.Count(RedisReadCommand.SortedSetRange);
        var latest = await Database.SortedSetRangeByRankWithScoresAsync(keys.Manifests, 0, 0, Order.Descending);
        return latest.Length == 0
            ? null
            : new LiveManifest(latest[0].Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)latest[0].Score).UtcDateTime);
    }

    /// <summary>Entries of a version's chunk stream after <paramref name="afterId"/> (non-blocking XREAD).</summary>
    public Task<StreamEntry[]> ReadAfterAsync(RedisKey chunks, RedisValue afterId, int count)
    {
        reads.Count(RedisReadCommand.StreamRead);
        return Database.StreamReadAsync(chunks, afterId, count);
    }

    public Task<bool> ExistsAsync(RedisKey key)
    {
        reads.Count(RedisReadCommand.Exists);
        return Database.KeyExistsAsync(key);
    }

    /// <summary>The newest segment number started on <paramref name="track"/> of the channel in <paramref name="directory"/> (one HGET).</summary>
    public async Task<long?> LatestSegmentAsync(string directory, string track)
    {
        reads.Count(RedisReadCommand.HashGet);
        var latest = await Database.HashGetAsync(keys.Channel(directory), ChannelFields.TrackSegmentPrefix + track);
        return latest.TryParse(out long number) ? number : null;
    }

    /// <summary>When the channel's current run started and the newest segment number started on <paramref name="track"/> (one HMGET).</summary>
    public async Task<TrackProgress> TrackProgressAsync(string channel, string track)
    {
        reads.Count(RedisReadCommand.HashGetMany);
        var values = await Database.HashGetAsync(keys.Channel(channel), [ChannelFields.StartedAt, ChannelFields.TrackSegmentPrefix + track]);
        return new TrackProgress(
            values[0].TryParse(out long started) ? DateTimeOffset.FromUnixTimeMilliseconds(started) : null,
            values[1].TryParse(out long latest) ? latest : null);
    }

    private sealed record Lookup(long StartedAt, Task<ObjectVersion?> Result);

    private static byte[] Concatenate(List<ReadOnlyMemory<byte>> pieces, long size)
    {
        // One piece (a manifest, a small segment) is already a whole array: no copy.
        if (pieces.Count == 1 && MemoryMarshal.TryGetArray(pieces[0], out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length)
        {
            return whole.Array;
        }

        var body = new byte[size];
        var offset = 0;
        foreach (var piece in pieces)
        {
            piece.Span.CopyTo(body.AsSpan(offset));
            offset += piece.Length;
        }

        return body;
    }
}

/// <summary>A manifest on the air: its path (no leading slash) and when it was last replaced.</summary>
/// <remarks>A UTC <see cref="DateTime"/>, so JSON carries it as <c>2026-11-23T20:00:00.000Z</c>.</remarks>
internal sealed record LiveManifest(string Path, DateTime UpdatedAt);

