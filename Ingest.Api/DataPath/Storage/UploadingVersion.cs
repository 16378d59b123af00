using System.Buffers;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Storage.Scripts;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>One object version while its upload runs: its keys and wake-up events, built once per upload.</summary>
internal sealed class UploadingVersion(
    ObjectPath path,
    string version,
    string? previous,
    VersionKeys keys,
    RedisKey? previousMeta,
    byte[] chunkEvent)
{
    /// <summary>Largest manifest kept in memory to read its tracks and type when it completes.</summary>
    internal const int MaxManifestBytes = 4 * 1024 * 1024;

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

    /// <summary>The segment's track and number, when its name tells them.</summary>
    public SegmentName? Segment { get; init; }

    /// <summary>True for an init segment (<see cref="InitSegment"/>): kept while its channel is published.</summary>
    public bool IsInitSegment { get; init; }

    /// <summary>True for a manifest or playlist.</summary>
    public bool IsManifest { get; init; }

    /// <summary>An MPD's body as it arrives, to read when it completes; null for every other object (or an MPD too big to read).</summary>
    internal ArrayBufferWriter<byte>? ManifestBody { get; set; }

    /// <summary>The MPD read when the upload completed; null for every other object, or bytes that are not an MPD.</summary>
    internal ManifestDocument? Document { get; set; }

    /// <summary>An init segment's body as it arrives, kept to put back if Redis loses it; null for every other object (or one too big).</summary>
    internal ArrayBufferWriter<byte>? InitBody { get; set; }

    /// <summary>The keys of this version, its path and its channel.</summary>
    internal VersionKeys Keys { get; } = keys;

    /// <summary>The meta key of <see cref="Previous"/>; null when there is none.</summary>
    internal RedisKey? PreviousMeta { get; } = previousMeta;

    /// <summary>The append script with this version's keys in order, made once per upload.</summary>
    internal AppendScript Append { get; } = new(keys);

    internal byte[] ChunkEvent { get; } = chunkEvent;
}
