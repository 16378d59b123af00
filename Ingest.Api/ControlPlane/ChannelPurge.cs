using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Control;

/// <summary>
/// Removes a whole channel, whichever Ingest instance uploaded it: its objects are found on Redis (a scan of
/// the channel's hash tag), not in this process's memory.
/// </summary>
internal sealed class ChannelPurge(IConnectionMultiplexer redis, ObjectKeys keys, ObjectStore store, InitSegmentCopies initCopies, TimeProvider time)
{
    public const string AbortReason = "Purged";

    /// <returns>What was removed; null when nothing of the channel is stored (a mistyped name, or already gone).</returns>
    /// <remarks>
    /// 1. List every key of the channel: object paths and their versions.
    /// 2. Abort the versions still uploading (abort marker and event): their viewers' responses are reset and
    ///    their uploaders' next piece is refused, on every Delivery and Ingest instance.
    /// 3. Delete every path, as DELETE does (the manifest index entry included).
    /// 4. Delete what is left: versions no path lists any more, and the channel's own keys (record, activity, encoder run,
    ///    deleted init segments).
    /// </remarks>
    public async Task<PurgeChannelResponse?> PurgeAsync(string channel, CancellationToken cancellationToken)
    {
        // 1. List; this process puts back none of the channel's init segments from now on.
        initCopies.ForgetChannel(channel);
        var listed = await ListAsync(channel, cancellationToken);
        if (!listed.AnyKey)
        {
            return null;
        }

        // 2. Abort
        var db = redis.GetDatabase();
        var uploading = new List<(ObjectPath Path, string Version, long Size)>();
        var metas = listed.Versions
            .Select(v => (v.Path, v.Version, Fields: db.HashGetAsync(keys.Meta(v.Path, v.Version), [ObjectFields.State, ObjectFields.Size])))
            .ToList();
        foreach (var (path, version, fields) in metas)
        {
            var values = await fields;
            if (values[0] == ObjectStates.Uploading)
            {
                uploading.Add((path, version, (long)values[1]));
            }
        }

        var aborted = 0;
        foreach (var (path, version, size) in uploading)
        {
            aborted += await store.AbortVersionAsync(path, version, size, AbortReason) ? 1 : 0;
        }

        // 3. Delete
        var removed = 0;
        foreach (var path in listed.Paths)
        {
            removed += await store.DeleteAsync(path) ? 1 : 0;
        }

        // 4. The rest
        await SlotMigration.RetryAsync(() => PurgeChannelScript.RunAsync(
            db,
            channel: keys.Channel(channel),
            activity: keys.ChannelActivity(channel),
            rest: listed.Versions.SelectMany(v => new[] { keys.Meta(v.Path, v.Version), keys.Chunks(v.Path, v.Version) })
                .Append(keys.ChannelEncoder(channel))
                .Append(keys.ChannelDeletedInitSegments(channel))
                .Append(keys.ChannelEncoderWarned(channel)),
            channelEvents: keys.ChannelEvents,
            channelEndedEvent: ChannelEvents.Channel(channel, ChannelEventKind.ChannelEnded, time.GetUtcNow())), time);

        return new PurgeChannelResponse { ObjectsRemoved = removed, UploadsAborted = aborted };
    }

    private async Task<(bool AnyKey, IReadOnlyList<ObjectPath> Paths, IReadOnlyList<(ObjectPath Path, string Version)> Versions)> ListAsync(
        string channel, CancellationToken cancellationToken)
    {
        // Every key of a channel starts with "{prefix}:{channel}:" ("{/}" for the root); what follows is "<name>:current",
        // "<name>:versions", "<name>:<version>:meta|chunks", or a channel key ("@channel", "@activity").
        var start = keys.ChannelKeysStart(channel);
        var pattern = Glob(start) + "*";
        var paths = new HashSet<ObjectPath>();
        var versions = new HashSet<(ObjectPath, string)>();
        var anyKey = false;
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000).WithCancellation(cancellationToken))
            {
                anyKey = true;
                var parts = ((string)key!)[start.Length..].Split(':');
                if (parts[0].StartsWith('@') || !ObjectPath.TryParse(channel.Length == 0 ? $"/{parts[0]}" : $"/{channel}/{parts[0]}", out var path, out _))
                {
                    continue;
                }

                paths.Add(path);
                if (parts is [_, var version, "meta" or "chunks"])
                {
                    versions.Add((path, version));
                }
            }
        }

        return (anyKey, [.. paths], [.. versions]);
    }

    /// <summary>Escapes the glob characters of a SCAN pattern (a key prefix may contain them; object paths cannot).</summary>
    private static string Glob(string literal) =>
        string.Concat(literal.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? $"\\{c}" : c.ToString()));
}
