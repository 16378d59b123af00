using System.Buffers;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Healing;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Writes object versions to Redis: begin, append a piece, complete, abort, delete. Every state change
/// but an append also updates the object's channel (its hash and activity stream) in the same script.
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
    ChannelTemplates templates,
    IOptions<IngestOptions> options,
    IOptions<CatalogOptions> catalogOptions,
    TimeProvider time)
{
    /// <summary>Activity entries kept per channel (approximately: MAXLEN ~), minutes of events.</summary>
    internal const int ActivityCap = 300;

    /// <summary>
    /// Init segments kept alive per channel: one per track is usual, so this bounds what a publisher that
    /// names many objects like init segments can pin in memory.
    /// </summary>
    internal const int MaxInitSegments = 64;

    private readonly IngestOptions _options = options.Value;
    private readonly CatalogOptions _catalog = catalogOptions.Value;

    private IDatabase Database => redis.GetDatabase();

    public async Task<UploadingVersion> BeginAsync(ObjectPath path, string contentType, string? traceParent)
    {
        var now = time.GetUtcNow();
        var version = VersionIds.New(now);
        var current = keys.Current(path);
        var versions = keys.Versions(path);
        var meta = keys.Meta(path, version);
        var channel = keys.Channel(path.Channel);
        var activity = keys.ChannelActivity(path.Channel);

        var isManifest = ManifestIndex.Indexes(path);
        SegmentName? segment = null;
        var isInit = false;
        if (!isManifest)
        {
            var channelTemplates = await templates.GetAsync(path.Channel);
            if (SegmentName.TryParse(path.Name, channelTemplates, out var parsed))
            {
                segment = parsed;
            }

            isInit = InitSegment.Matches(path.Name, channelTemplates);
        }

        var segmentStarted = isManifest ? [] : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentStarted, path.Value, segment, 0, now);
        var previous = (string?)await Database.ScriptEvaluateAsync(
            ObjectScripts.Begin,
            [current, meta, versions, channel, activity],
            [version, contentType, now.ToUnixTimeMilliseconds(), Milliseconds(_options.UploadingTtl), traceParent ?? string.Empty,
             keys.Events.ToString(), Event(path, version, ObjectEventKind.Started),
             keys.ChannelEvents.ToString(), Milliseconds(_options.UploadingTtl), ActivityCap, Milliseconds(_catalog.EndedAfter),
             ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelStarted, now), segmentStarted,
             segment?.Track ?? string.Empty, segment?.Number ?? 0]);

        var chunks = keys.Chunks(path, version);
        var previousMeta = previous is null ? meta : keys.Meta(path, previous);
        return new UploadingVersion(
            path,
            version,
            previous,
            chunkKeys: [meta, chunks, current, versions],
            abortKeys: [meta, chunks, current, versions, previousMeta, channel, activity],
            chunkEvent: Event(path, version, ObjectEventKind.Chunk))
        {
            CompleteKeys = [meta, chunks, current, versions, channel, activity],
            Segment = segment,
            IsManifest = isManifest,
            IsInitSegment = isInit,
            ManifestBody = path.Extension == ".mpd" ? new ArrayBufferWriter<byte>() : null,
            InitBody = isInit ? new ArrayBufferWriter<byte>() : null,
        };
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
        if (upload.ManifestBody is { } body)
        {
            // Kept to read the manifest's tracks when it completes; a document this big is not read at all.
            if (body.WrittenCount + piece.Length <= UploadingVersion.MaxManifestBytes)
            {
                body.Write(piece.Span);
            }
            else
            {
                upload.ManifestBody = null;
            }
        }

        if (upload.InitBody is { } init)
        {
            // Kept to put back if Redis loses it (Healing/InitSegmentCopies.cs); a bigger one is not kept at all.
            if (init.WrittenCount + piece.Length <= InitSegmentCopies.MaxBytes)
            {
                init.Write(piece.Span);
            }
            else
            {
                upload.InitBody = null;
            }
        }

        return true;
    }

    /// <summary>Writes the end marker; false when the version stopped uploading (deleted meanwhile).</summary>
    public async Task<bool> CompleteAsync(UploadingVersion upload)
    {
        var now = time.GetUtcNow();
        var path = upload.Path;
        var document = upload.ManifestBody is { } body ? ManifestDocument.TryParse(body.WrittenMemory) : null;
        var channelEvent = upload.IsManifest
            ? ChannelEvents.Manifest(path.Channel, path.Value, now)
            : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentCompleted, path.Value, upload.Segment, upload.Size, now);
        var (initKeys, initArguments) = await InitSegmentsToKeepAsync(path.Channel);
        var completed = (long)await Database.ScriptEvaluateAsync(
            ObjectScripts.Complete,
            [.. upload.CompleteKeys, .. initKeys],
            [upload.Version, now.ToUnixTimeMilliseconds(), Milliseconds(_options.CompletedRetention),
             keys.Events.ToString(), Event(path, upload.Version, ObjectEventKind.Completed),
             keys.ChannelEvents.ToString(), ActivityCap, channelEvent,
             upload.IsManifest ? path.Value : string.Empty,
             path.Extension == ".mpd" ? "1" : string.Empty,
             document is null ? string.Empty : SegmentTemplate.Serialize(document.Templates),
             document is { IsStatic: true } ? ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelEnded, now) : [],
             Milliseconds(_options.UploadingTtl),
             upload.IsInitSegment ? "1" : string.Empty, path.Name, MaxInitSegments,
             .. initArguments]);
        upload.ManifestBody = null;
        upload.Document = document;
        if (completed == 1 && upload.IsManifest)
        {
            await manifests.RecordAsync(path, now);
        }

        return completed == 1;
    }

    /// <summary>Writes the abort marker, and makes the previous version current again if it is retained.</summary>
    public Task AbortAsync(UploadingVersion upload, string reason)
    {
        var now = time.GetUtcNow();
        var path = upload.Path;
        upload.ManifestBody = null;
        upload.InitBody = null;
        return Database.ScriptEvaluateAsync(
            ObjectScripts.Abort,
            upload.AbortKeys,
            [upload.Version, upload.Previous ?? string.Empty, now.ToUnixTimeMilliseconds(),
             Milliseconds(_options.AbortedRetention), reason,
             keys.Events.ToString(), Event(path, upload.Version, ObjectEventKind.Aborted),
             keys.ChannelEvents.ToString(), ActivityCap,
             upload.IsManifest ? [] : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentAborted, path.Value, upload.Segment, upload.Size, now),
             Milliseconds(_options.UploadingTtl)]);
    }

    /// <summary>
    /// Aborts version <paramref name="version"/> of <paramref name="path"/> if it is still uploading, whoever uploads it:
    /// its viewers' responses are reset and its uploader's next piece is refused. False when it was not uploading.
    /// </summary>
    public async Task<bool> AbortVersionAsync(ObjectPath path, string version, long size, string reason)
    {
        var now = time.GetUtcNow();
        var meta = keys.Meta(path, version);
        var segment = SegmentName.TryParse(path.Name, await templates.GetAsync(path.Channel), out var parsed) ? parsed : (SegmentName?)null;
        var aborted = (long)await Database.ScriptEvaluateAsync(
            ObjectScripts.Abort,
            [meta, keys.Chunks(path, version), keys.Current(path), keys.Versions(path), meta,
             keys.Channel(path.Channel), keys.ChannelActivity(path.Channel)],
            [version, string.Empty, now.ToUnixTimeMilliseconds(), Milliseconds(_options.AbortedRetention), reason,
             keys.Events.ToString(), Event(path, version, ObjectEventKind.Aborted),
             keys.ChannelEvents.ToString(), ActivityCap,
             ManifestIndex.Indexes(path) ? [] : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentAborted, path.Value, segment, size, now),
             Milliseconds(_options.UploadingTtl)]);
        return aborted == 1;
    }

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

        var scriptKeys = new List<RedisKey>(4 + (2 * versions.Count)) { current, versionsKey, keys.Channel(path.Channel), keys.ChannelActivity(path.Channel) };
        foreach (var version in versions)
        {
            scriptKeys.Add(keys.Meta(path, version));
            scriptKeys.Add(keys.Chunks(path, version));
        }

        var isManifest = ManifestIndex.Indexes(path);
        var now = time.GetUtcNow();
        var removed = (long)await db.ScriptEvaluateAsync(
            ObjectScripts.Delete,
            [.. scriptKeys],
            [keys.Events.ToString(), Event(path, string.Empty, ObjectEventKind.Deleted),
             keys.ChannelEvents.ToString(), ActivityCap, path.Value, now.ToUnixTimeMilliseconds(),
             ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelEnded, now), path.Name,
             .. versions.Select(v => (RedisValue)v)]);
        if (isManifest)
        {
            await manifests.RemoveAsync(path);
        }

        return removed > 0;
    }

    /// <summary>
    /// Stores <paramref name="init"/> again, as it was, if Redis has lost it (no current version at its path, or an
    /// older one); true when it did. Safe to run from any number of Ingest instances at once.
    /// </summary>
    public async Task<bool> RestoreAsync(HeldInitSegment init)
    {
        var now = time.GetUtcNow();
        var path = init.Path;
        var restored = (long)await Database.ScriptEvaluateAsync(
            ObjectScripts.Restore,
            [keys.Current(path), keys.Versions(path), keys.Meta(path, init.Version), keys.Chunks(path, init.Version),
             keys.Channel(path.Channel), keys.ChannelActivity(path.Channel)],
            [init.Version, init.ContentType, init.Body, ToUnixMicroseconds(init.ReceivedAt),
             init.ReceivedAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), Milliseconds(_options.CompletedRetention),
             path.Name, MaxInitSegments, keys.Events.ToString(),
             Event(path, init.Version, ObjectEventKind.Started), Event(path, init.Version, ObjectEventKind.Completed)]);
        return restored == 1;
    }

    /// <summary>The version ids now current at <paramref name="paths"/> (null where none), in one round trip.</summary>
    public async Task<string?[]> CurrentVersionsAsync(IReadOnlyList<ObjectPath> paths)
    {
        var values = await Database.StringGetAsync([.. paths.Select(keys.Current)]);
        return [.. values.Select(value => (string?)value)];
    }

    /// <summary>
    /// The init segments recorded in the channel, as the keys and arguments of Complete, which extends them.
    /// Read before the script (its keys must be declared); the script checks each record is still the same.
    /// </summary>
    private async Task<(RedisKey[] Keys, RedisValue[] Arguments)> InitSegmentsToKeepAsync(string channel)
    {
        var recorded = await Database.HashGetAllAsync(keys.Channel(channel));
        var initKeys = new List<RedisKey>();
        var arguments = new List<RedisValue>();
        foreach (var entry in recorded)
        {
            var field = (string)entry.Name!;
            if (!field.StartsWith(ChannelFields.InitSegmentPrefix, StringComparison.Ordinal)
                || !ObjectPath.TryParse(channel.Length == 0 ? $"/{field[ChannelFields.InitSegmentPrefix.Length..]}" : $"/{channel}/{field[ChannelFields.InitSegmentPrefix.Length..]}", out var init, out _)
                || arguments.Count >= 2 * MaxInitSegments)
            {
                continue;
            }

            var version = (string)entry.Value!;
            initKeys.AddRange([keys.Current(init), keys.Versions(init), keys.Meta(init, version), keys.Chunks(init, version)]);
            arguments.AddRange([init.Name, version]);
        }

        return ([.. initKeys], [.. arguments]);
    }

    private static byte[] Event(ObjectPath path, string version, ObjectEventKind kind) =>
        new ObjectEvent { Path = path.Value, Version = version, Kind = kind }.ToByteArray();

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static long ToUnixMicroseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
