using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Recording;

/// <summary>Reads a completed upload's bytes from Redis by its version: the archive never trusts a version that did not end cleanly.</summary>
internal sealed class StoredObjects(IConnectionMultiplexer redis, ObjectKeys keys)
{
    /// <summary>
    /// The whole object in one array, or null when it is gone (expired, purged), not complete, or its pieces do not
    /// add up to the size its end marker announces. For manifests and init segments: media segments are read in pieces.
    /// </summary>
    public async Task<byte[]?> ReadAsync(ObjectPath path, string version)
    {
        if (await ReadPiecesAsync(path, version).ConfigureAwait(false) is not { } pieces)
        {
            return null;
        }

        var whole = new byte[pieces.Sum(p => p.Length)];
        var at = 0;
        foreach (var piece in pieces)
        {
            piece.CopyTo(whole, at);
            at += piece.Length;
        }

        return whole;
    }

    /// <summary>
    /// The object as Ingest stored it, one array per piece (in order), or null as for <see cref="ReadAsync"/>. A media
    /// segment is read this way and never joined: whole, every video segment would be a new array of 100 KB or more on the
    /// large object heap, which is not compacted, and the holes they left made the writer's heap grow in the soak.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>?> ReadPiecesAsync(ObjectPath path, string version)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(keys.Chunks(path, version)).ConfigureAwait(false);
        if (entries.Length == 0 || !entries[^1].Values.Any(v => v.Name == ObjectFields.End))
        {
            return null;
        }

        var announced = (long)entries[^1].Values.First(v => v.Name == ObjectFields.End).Value;
        var pieces = new List<byte[]>(entries.Length - 1);
        long size = 0;
        foreach (var entry in entries.AsSpan(0, entries.Length - 1))
        {
            var data = entry.Values.FirstOrDefault(v => v.Name == ObjectFields.Data).Value;
            if (data.IsNull)
            {
                return null;
            }

            var bytes = (byte[])data!;
            pieces.Add(bytes);
            size += bytes.Length;
        }

        return size == announced ? pieces : null;
    }

    /// <summary>The current version of <paramref name="path"/> read whole; null when there is none.</summary>
    public async Task<byte[]?> ReadCurrentAsync(ObjectPath path)
    {
        var version = await redis.GetDatabase().StringGetAsync(keys.Current(path)).ConfigureAwait(false);
        return version.IsNullOrEmpty ? null : await ReadAsync(path, version!).ConfigureAwait(false);
    }

    /// <summary>The channel's manifest path as Ingest recorded it in the channel hash; null when none.</summary>
    public async Task<ObjectPath?> ManifestOfAsync(string channel)
    {
        var value = await redis.GetDatabase().HashGetAsync(keys.Channel(channel), ChannelFields.Manifest).ConfigureAwait(false);
        return !value.IsNullOrEmpty && ObjectPath.TryParse("/" + ((string)value!).TrimStart('/'), out var path, out _) ? path : null;
    }
}
