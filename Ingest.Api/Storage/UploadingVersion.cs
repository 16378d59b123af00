using CmafOrigin.Contracts.Paths;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>One object version while its upload runs: its keys and wake-up events, built once per upload.</summary>
internal sealed class UploadingVersion(
    ObjectPath path,
    string version,
    string? previous,
    RedisKey[] chunkKeys,
    RedisKey[] abortKeys,
    byte[] chunkEvent)
{
    public ObjectPath Path { get; } = path;

    public string Version { get; } = version;

    /// <summary>The version that was current when this upload began; it is current again if this one aborts.</summary>
    public string? Previous { get; } = previous;

    /// <summary>True when another version was at this path: the upload replaces it.</summary>
    public bool Replaces => Previous is not null;

    /// <summary>Bytes stored so far.</summary>
    public long Size { get; set; }

    /// <summary>Pieces stored so far.</summary>
    public int Chunks { get; set; }

    /// <summary>meta, chunks, current, versions: the keys of append and complete.</summary>
    internal RedisKey[] ChunkKeys { get; } = chunkKeys;

    /// <summary>meta, chunks, current, versions, previous meta: the keys of abort.</summary>
    internal RedisKey[] AbortKeys { get; } = abortKeys;

    internal byte[] ChunkEvent { get; } = chunkEvent;
}
