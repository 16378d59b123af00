using System.Collections.Concurrent;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// What is on the air, read from Redis: the channels Ingest keeps (their hash and activity stream), the
/// tracks of each one's current manifest and the viewers every live Delivery instance reports. Holds no
/// state another process would need; any number of readers in any process see the same channels.
/// </summary>
public sealed class ChannelCatalogReader
{
    /// <summary>Activity entries read for the bitrate: enough for minutes of a many-track channel.</summary>
    private const int ActivityRead = 500;

    private readonly IConnectionMultiplexer _redis;
    private readonly ObjectKeys _keys;
    private readonly TimeProvider _time;
    private readonly CatalogOptions _options;
    private readonly DeliveryReportReader _reports;

    // Tracks of each manifest version already parsed: a manifest is replaced every segment, read far more often.
    private readonly ConcurrentDictionary<string, (string Version, IReadOnlyList<Track> Tracks)> _tracks = new(StringComparer.Ordinal);

    public ChannelCatalogReader(IConnectionMultiplexer redis, ObjectKeys keys, TimeProvider time, CatalogOptions? options = null)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
        _options = options ?? new CatalogOptions();
        _reports = new DeliveryReportReader(redis, keys, time);
    }

    public CatalogOptions Options => _options;

    /// <summary>Every channel with a manifest on Redis, live or recently ended, by name.</summary>
    public async Task<IReadOnlyList<Channel>> ListAsync(CancellationToken cancellationToken)
    {
        var manifests = await _redis.GetDatabase().SortedSetRangeByRankAsync(_keys.Manifests).ConfigureAwait(false);
        var onTheAir = manifests.Select(m => (string?)m).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _tracks.Keys.Where(path => !onTheAir.Contains(path)))
        {
            // A manifest no longer on the air: forget its parsed tracks, so a long-running reader stays small.
            _tracks.TryRemove(gone, out _);
        }

        var names = manifests
            .Select(m => ObjectPath.TryParse("/" + (string?)m, out var path, out _) ? path.Channel : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            return [];
        }

        var viewers = Viewers(await _reports.ReadAsync(cancellationToken).ConfigureAwait(false));
        var channels = await Task.WhenAll(names.Select(name => ReadAsync(name, viewers, cancellationToken))).ConfigureAwait(false);
        return [.. channels.OfType<Channel>()];
    }

    /// <summary>
    /// The channel stored under <paramref name="directory"/> (empty for the root, see <see cref="ChannelName"/>), or
    /// null when Ingest keeps nothing of it (never seen, purged, or expired).
    /// </summary>
    public async Task<Channel?> GetAsync(string directory, CancellationToken cancellationToken)
    {
        var viewers = Viewers(await _reports.ReadAsync(cancellationToken).ConfigureAwait(false));
        return await ReadAsync(directory, viewers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when a channel whose last activity was at <paramref name="lastActivityAt"/> counts as ended by now,
    /// although its encoder never said so.
    /// </summary>
    public bool IsSilent(DateTimeOffset lastActivityAt) => _time.GetUtcNow() - lastActivityAt > _options.EndedAfter;

    private async Task<Channel?> ReadAsync(string directory, IReadOnlyDictionary<string, int> viewers, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = _redis.GetDatabase();
        // Both reads in one round trip.
        var hashRead = db.HashGetAllAsync(_keys.Channel(directory));
        var activityRead = db.StreamRangeAsync(_keys.ChannelActivity(directory), "-", "+", ActivityRead, Order.Descending);
        var hash = await hashRead.ConfigureAwait(false);
        var activity = await activityRead.ConfigureAwait(false);
        if (hash.Length == 0)
        {
            return null;
        }

        var channel = new Channel { Name = ChannelName.Of(directory) };
        long startedAt = 0, lastActivityAt = 0;
        var ended = false;
        var latestByTrack = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in hash)
        {
            var field = (string)entry.Name!;
            switch (field)
            {
                case ChannelFields.State: ended = entry.Value == ChannelFields.Ended; break;
                case ChannelFields.StartedAt: startedAt = (long)entry.Value; break;
                case ChannelFields.LastActivityAt: lastActivityAt = (long)entry.Value; break;
                case ChannelFields.Manifest: channel.Manifest = (string?)entry.Value ?? string.Empty; break;
                case ChannelFields.LatestSegment: channel.LatestSegmentNumber = (long)entry.Value; break;
                default:
                    if (field.StartsWith(ChannelFields.TrackSegmentPrefix, StringComparison.Ordinal))
                    {
                        latestByTrack[field[ChannelFields.TrackSegmentPrefix.Length..]] = (long)entry.Value;
                    }

                    break;
            }
        }

        var lastActivity = DateTimeOffset.FromUnixTimeMilliseconds(lastActivityAt);
        channel.State = ended || IsSilent(lastActivity) ? ChannelState.Ended : ChannelState.Live;
        channel.StartedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(startedAt));
        channel.LastActivityAt = Timestamp.FromDateTimeOffset(lastActivity);
        // Reports name channels as every proto message does.
        channel.Viewers = viewers.GetValueOrDefault(channel.Name);
        channel.IngestBitrateBps = channel.State == ChannelState.Live
            ? Bitrate(activity, DateTimeOffset.FromUnixTimeMilliseconds(startedAt))
            : 0;

        foreach (var track in await TracksAsync(channel.Manifest).ConfigureAwait(false))
        {
            var withNumber = track.Clone();
            withNumber.LatestSegmentNumber = latestByTrack.GetValueOrDefault(track.Id);
            channel.Tracks.Add(withNumber);
        }

        return channel;
    }

    /// <summary>
    /// Bits per second of the segments that ended (completed or aborted) within the window; over the time
    /// since the channel started when that is shorter, so a new channel is not under-reported.
    /// </summary>
    private long Bitrate(StreamEntry[] newestFirst, DateTimeOffset startedAt)
    {
        var now = _time.GetUtcNow();
        var windowStart = now - _options.BitrateWindow;
        long bytes = 0;
        foreach (var entry in newestFirst)
        {
            if (!TryParseEvent(entry, out var channelEvent))
            {
                continue;
            }

            var at = channelEvent.At?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;
            if (at < windowStart)
            {
                break;
            }

            if (channelEvent.Kind is ChannelEventKind.SegmentCompleted or ChannelEventKind.SegmentAborted)
            {
                bytes += channelEvent.Size;
            }
        }

        // At least a second: a channel a few milliseconds old has no meaningful rate, only bytes.
        var span = now - (startedAt > windowStart ? startedAt : windowStart);
        return (long)(bytes * 8 / Math.Max(span.TotalSeconds, 1));
    }

    /// <summary>The tracks declared by the current complete version of <paramref name="manifest"/>; none for a playlist or no manifest.</summary>
    private async Task<IReadOnlyList<Track>> TracksAsync(string manifest)
    {
        if (!ObjectPath.TryParse("/" + manifest, out var path, out _) || path.Extension != ".mpd")
        {
            return [];
        }

        var db = _redis.GetDatabase();
        var version = (string?)await db.StringGetAsync(_keys.Current(path)).ConfigureAwait(false);
        if (version is null)
        {
            return [];
        }

        var meta = ObjectMeta.FromHash(await db.HashGetAllAsync(_keys.Meta(path, version)).ConfigureAwait(false));
        if (meta is { State: ObjectState.Uploading, Previous: { } previous })
        {
            // A new version is arriving (milliseconds): the previous one is the complete document.
            version = previous;
        }
        else if (meta is not { State: ObjectState.Complete })
        {
            return [];
        }

        if (_tracks.TryGetValue(path.Value, out var known) && known.Version == version)
        {
            return known.Tracks;
        }

        var body = await ReadCompleteAsync(db, _keys.Chunks(path, version)).ConfigureAwait(false);
        if (body is null || ManifestDocument.TryParse(body) is not { } document)
        {
            return [];
        }

        _tracks[path.Value] = (version, document.Tracks);
        return document.Tracks;
    }

    private static async Task<byte[]?> ReadCompleteAsync(IDatabase db, RedisKey chunks)
    {
        var entries = await db.StreamRangeAsync(chunks).ConfigureAwait(false);
        using var body = new MemoryStream();
        foreach (var entry in entries)
        {
            foreach (var value in entry.Values)
            {
                switch ((string?)value.Name)
                {
                    case ObjectFields.Data:
                        body.Write((byte[])value.Value!);
                        break;
                    case ObjectFields.End:
                        return body.ToArray();
                    case ObjectFields.Abort:
                        return null;
                    default:
                        break;
                }
            }
        }

        return null;
    }

    private static Dictionary<string, int> Viewers(IReadOnlyList<DeliveryInstanceReport> reports)
    {
        var viewers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            foreach (var (channel, delivery) in report.Channels)
            {
                viewers[channel] = viewers.GetValueOrDefault(channel) + delivery.Viewers;
            }
        }

        return viewers;
    }

    /// <summary>Reads one activity stream entry; false for an entry that is not a ChannelEvent.</summary>
    public static bool TryParseEvent(StreamEntry entry, out ChannelEvent channelEvent)
    {
        channelEvent = null!;
        var value = entry[ChannelFields.Event];
        if (value.IsNullOrEmpty)
        {
            return false;
        }

        try
        {
            channelEvent = ChannelEvent.Parser.ParseFrom((byte[])value!);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
