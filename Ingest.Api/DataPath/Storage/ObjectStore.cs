using System.Buffers;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage.Scripts;
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
    /// <summary>
    /// Activity entries kept per channel (approximately: MAXLEN ~). The log is also the archive's queue (a consumer
    /// group), so it holds more than the completed segments' retention: a 5-track ladder of 1 s segments writes about
    /// 11 entries a second, 10,000 entries are 15 minutes of it, about 1 MB.
    /// </summary>
    internal const int ActivityCap = 10_000;

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
        var versionKeys = VersionKeys.Of(keys, path, version);

        var isManifest = ManifestIndex.Indexes(path);
        // A segment's track and number come from its channel's templates. Cached ones save a round trip on the path of
        // the viewers waiting for the segment; the script checks them, and when a new manifest changed them they are read
        // again and the begin sent once more, then unchecked (as close as reading them first would be).
        var classifiedWith = isManifest ? null : templates.Cached(path.Channel);
        SegmentName? segment;
        bool isInit;
        BeginOutcome begun;
        do
        {
            var known = isManifest ? KnownTemplates.None : classifiedWith ?? await templates.ReadAsync(path.Channel);
            segment = !isManifest && SegmentName.TryParse(path.Name, known.Templates, out var parsed) ? parsed : null;
            isInit = !isManifest && InitSegment.Matches(path.Name, known.Templates);
            var checkedText = classifiedWith?.Text;
            classifiedWith = null;

            // Every script below may meet TRYAGAIN while the channel's slot migrates: SlotMigration sends it again.
            begun = await SlotMigration.RetryAsync(() => BeginScript.RunAsync(
                Database,
                versionKeys,
                version: version,
                contentType: contentType,
                nowMilliseconds: now.ToUnixTimeMilliseconds(),
                uploadingTtlMilliseconds: Milliseconds(_options.UploadingTtl),
                traceParent: traceParent ?? string.Empty,
                events: keys.Events,
                startedEvent: StartedEvent(path, version, contentType, traceParent, now),
                channelEvents: keys.ChannelEvents,
                activityCap: ActivityCap,
                quietMilliseconds: Milliseconds(_catalog.EndedAfter),
                channelStartedEvent: ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelStarted, now),
                segmentStartedEvent: isManifest ? [] : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentStarted, path.Value, version, segment, 0, now),
                track: segment?.Track ?? string.Empty,
                segmentNumber: segment?.Number ?? 0,
                idleTimeoutMilliseconds: Milliseconds(_options.IdleTimeout),
                classifiedWith: checkedText), time);
        }
        while (begun.TemplatesChanged);

        var previous = begun.Previous;
        return new UploadingVersion(
            path,
            version,
            previous,
            versionKeys,
            previousMeta: previous is null ? null : (RedisKey?)keys.Meta(path, previous),
            chunkEvent: Event(path, version, ObjectEventKind.Chunk))
        {
            Segment = segment,
            IsManifest = isManifest,
            IsInitSegment = isInit,
            ManifestBody = path.Extension == ".mpd" ? new ArrayBufferWriter<byte>() : null,
            InitBody = isInit ? new ArrayBufferWriter<byte>() : null,
        };
    }

    /// <summary>
    /// Sends one piece, to be stored at <paramref name="offset"/> (the bytes sent before it). Pieces sent one after the
    /// other are run by Redis in that order; a piece is stored only at its offset (see <see cref="AppendResult"/>).
    /// Once it is stored, <see cref="Appended"/> records it in <paramref name="upload"/>.
    /// </summary>
    public Task<AppendResult> AppendAsync(UploadingVersion upload, ReadOnlyMemory<byte> piece, long offset, DateTimeOffset receivedAt) =>
        upload.Append.RunAsync(
            Database,
            version: upload.Version,
            data: piece,
            offset: offset,
            receivedMicroseconds: ToUnixMicroseconds(receivedAt),
            nowMilliseconds: time.GetUtcNow().ToUnixTimeMilliseconds(),
            uploadingTtlMilliseconds: Milliseconds(_options.UploadingTtl),
            events: keys.Events,
            chunkEvent: upload.ChunkEvent);

    /// <summary>Sends a piece again, and again while its channel's slot migrates (<see cref="SlotMigration"/>).</summary>
    public Task<AppendResult> AppendAgainAsync(UploadingVersion upload, ReadOnlyMemory<byte> piece, long offset, DateTimeOffset receivedAt) =>
        SlotMigration.RetryAsync(() => AppendAsync(upload, piece, offset, receivedAt), time);

    /// <summary>Records a piece Redis stored, in order: the version's size, and the copies kept of manifests and init segments.</summary>
    public static void Appended(UploadingVersion upload, ReadOnlySpan<byte> piece)
    {
        upload.Size += piece.Length;
        upload.Chunks++;
        if (upload.ManifestBody is { } body)
        {
            // Kept to read the manifest's tracks when it completes; a document this big is not read at all.
            if (body.WrittenCount + piece.Length <= UploadingVersion.MaxManifestBytes)
            {
                body.Write(piece);
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
                init.Write(piece);
            }
            else
            {
                upload.InitBody = null;
            }
        }
    }

    /// <summary>Writes the end marker; false when the version stopped uploading (deleted meanwhile).</summary>
    public async Task<bool> CompleteAsync(UploadingVersion upload)
    {
        var now = time.GetUtcNow();
        var path = upload.Path;
        var document = upload.ManifestBody is { } body ? ManifestDocument.TryParse(body.WrittenMemory) : null;
        var keep = await InitSegmentsToKeepAsync(path.Channel);
        var completed = await SlotMigration.RetryAsync(() => CompleteScript.RunAsync(
            Database,
            upload.Keys,
            version: upload.Version,
            nowMilliseconds: now.ToUnixTimeMilliseconds(),
            retentionMilliseconds: Milliseconds(_options.CompletedRetention),
            events: keys.Events,
            completedEvent: Event(path, upload.Version, ObjectEventKind.Completed),
            channelEvents: keys.ChannelEvents,
            activityCap: ActivityCap,
            channelEvent: upload.IsManifest
                ? ChannelEvents.Manifest(path.Channel, path.Value, upload.Version, now)
                : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentCompleted, path.Value, upload.Version, upload.Segment, upload.Size, now),
            manifestPath: upload.IsManifest ? path.Value : string.Empty,
            isMainManifest: path.Extension == ".mpd",
            templates: document is null ? string.Empty : SegmentTemplate.Serialize(document.Templates),
            channelEndedEvent: document is { IsStatic: true } ? ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelEnded, now) : [],
            uploadingTtlMilliseconds: Milliseconds(_options.UploadingTtl),
            isInitSegment: upload.IsInitSegment,
            name: path.Name,
            maxInitSegments: MaxInitSegments,
            keep: keep), time);
        upload.ManifestBody = null;
        upload.Document = document;
        if (completed && upload.IsManifest)
        {
            await manifests.RecordAsync(path, now);
        }

        return completed;
    }

    /// <summary>Writes the abort marker, and makes the previous version current again if it is retained.</summary>
    public Task AbortAsync(UploadingVersion upload, string reason)
    {
        upload.ManifestBody = null;
        upload.InitBody = null;
        return AbortAsync(upload.Path, upload.Keys, upload.Version, upload.Previous, upload.PreviousMeta, upload.Segment, upload.Size, reason);
    }

    /// <summary>
    /// Aborts version <paramref name="version"/> of <paramref name="path"/> if it is still uploading, whoever uploads it:
    /// its viewers' responses are reset and its uploader's next piece is refused. False when it was not uploading.
    /// </summary>
    public async Task<bool> AbortVersionAsync(ObjectPath path, string version, long size, string reason)
    {
        var segment = SegmentName.TryParse(path.Name, await templates.GetAsync(path.Channel), out var parsed) ? parsed : (SegmentName?)null;
        return await AbortAsync(path, VersionKeys.Of(keys, path, version), version, previous: null, previousMeta: null, segment, size, reason);
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
            .Select(v => new DeletedVersion(v, keys.Meta(path, v), keys.Chunks(path, v)))
            .ToList();
        if (versions.Count == 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var removed = await SlotMigration.RetryAsync(() => DeleteScript.RunAsync(
            db,
            current: current,
            versions: versionsKey,
            channel: keys.Channel(path.Channel),
            activity: keys.ChannelActivity(path.Channel),
            deletedInitSegments: keys.ChannelDeletedInitSegments(path.Channel),
            events: keys.Events,
            deletedEvent: Event(path, string.Empty, ObjectEventKind.Deleted),
            channelEvents: keys.ChannelEvents,
            activityCap: ActivityCap,
            path: path.Value,
            nowMilliseconds: now.ToUnixTimeMilliseconds(),
            channelEndedEvent: ChannelEvents.Channel(path.Channel, ChannelEventKind.ChannelEnded, now),
            name: path.Name,
            holdCompleted: _options.HoldDeletedForArchive,
            retentionMilliseconds: Milliseconds(_options.CompletedRetention),
            delete: versions), time);
        if (ManifestIndex.Indexes(path))
        {
            await manifests.RemoveAsync(path);
        }

        return removed > 0;
    }

    /// <summary>
    /// Stores <paramref name="init"/> again, as it was, if Redis has lost it (no current version at its path, or an
    /// older one) and the encoder has not deleted it. Safe to run from any number of Ingest instances at once.
    /// </summary>
    public Task<RestoreOutcome> RestoreAsync(HeldInitSegment init)
    {
        var path = init.Path;
        return SlotMigration.RetryAsync(() => RestoreScript.RunAsync(
            Database,
            VersionKeys.Of(keys, path, init.Version),
            deletedInitSegments: keys.ChannelDeletedInitSegments(path.Channel),
            version: init.Version,
            contentType: init.ContentType,
            body: init.Body,
            receivedMicroseconds: ToUnixMicroseconds(init.ReceivedAt),
            createdMilliseconds: init.ReceivedAt.ToUnixTimeMilliseconds(),
            nowMilliseconds: time.GetUtcNow().ToUnixTimeMilliseconds(),
            retentionMilliseconds: Milliseconds(_options.CompletedRetention),
            name: path.Name,
            maxInitSegments: MaxInitSegments,
            events: keys.Events,
            startedEvent: Event(path, init.Version, ObjectEventKind.Started),
            completedEvent: Event(path, init.Version, ObjectEventKind.Completed)), time);
    }

    /// <summary>The version ids now current at <paramref name="paths"/> (null where none), in one round trip.</summary>
    public async Task<string?[]> CurrentVersionsAsync(IReadOnlyList<ObjectPath> paths)
    {
        var values = await Database.StringGetAsync([.. paths.Select(keys.Current)]);
        return [.. values.Select(value => (string?)value)];
    }

    /// <summary>
    /// The init segments recorded in the channel, which Complete extends. Read before the script (its keys must be
    /// declared); the script checks each record is still the same.
    /// </summary>
    private async Task<List<KeptInitSegment>> InitSegmentsToKeepAsync(string channel)
    {
        var recorded = await Database.HashGetAllAsync(keys.Channel(channel));
        var keep = new List<KeptInitSegment>();
        foreach (var entry in recorded)
        {
            var field = (string)entry.Name!;
            if (!field.StartsWith(ChannelFields.InitSegmentPrefix, StringComparison.Ordinal)
                || !ObjectPath.TryParse(channel.Length == 0 ? $"/{field[ChannelFields.InitSegmentPrefix.Length..]}" : $"/{channel}/{field[ChannelFields.InitSegmentPrefix.Length..]}", out var init, out _)
                || keep.Count >= MaxInitSegments)
            {
                continue;
            }

            var version = (string)entry.Value!;
            keep.Add(new KeptInitSegment(init.Name, version, VersionKeys.Of(keys, init, version)));
        }

        return keep;
    }

    private async Task<bool> AbortAsync(
        ObjectPath path, VersionKeys versionKeys, string version, string? previous, RedisKey? previousMeta, SegmentName? segment, long size, string reason)
    {
        var now = time.GetUtcNow();
        return await SlotMigration.RetryAsync(() => AbortScript.RunAsync(
            Database,
            versionKeys,
            previousMeta,
            version: version,
            previous: previous,
            nowMilliseconds: now.ToUnixTimeMilliseconds(),
            retentionMilliseconds: Milliseconds(_options.AbortedRetention),
            reason: reason,
            events: keys.Events,
            abortedEvent: Event(path, version, ObjectEventKind.Aborted),
            channelEvents: keys.ChannelEvents,
            activityCap: ActivityCap,
            segmentAbortedEvent: ManifestIndex.Indexes(path) ? [] : ChannelEvents.Segment(path.Channel, ChannelEventKind.SegmentAborted, path.Value, version, segment, size, now),
            uploadingTtlMilliseconds: Milliseconds(_options.UploadingTtl)), time);
    }

    /// <summary>The STARTED of a begin carries the meta begin.lua writes, so the viewers waiting for it bind without a lookup.</summary>
    private byte[] StartedEvent(ObjectPath path, string version, string contentType, string? traceParent, DateTimeOffset now) =>
        new ObjectEvent
        {
            Path = path.Value,
            Version = version,
            Kind = ObjectEventKind.Started,
            Begun = new UploadBegun
            {
                ContentType = contentType,
                CreatedUnixMs = now.ToUnixTimeMilliseconds(),
                TraceParent = traceParent ?? string.Empty,
                IdleTimeoutMs = Milliseconds(_options.IdleTimeout),
                TimeToLiveMs = Milliseconds(_options.UploadingTtl),
            },
        }.ToByteArray();

    private static byte[] Event(ObjectPath path, string version, ObjectEventKind kind) =>
        new ObjectEvent { Path = path.Value, Version = version, Kind = kind }.ToByteArray();

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static long ToUnixMicroseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
