using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>complete.lua</c>: the upload ended; the end marker, retention, the channel's manifest, templates and init records.</summary>
internal static class CompleteScript
{
    private static readonly string Source = ScriptSource.Load("complete.lua");

    /// <summary>Runs the script; false when the version is no longer uploading (deleted or aborted meanwhile).</summary>
    /// <param name="manifestPath">The path when the object is a manifest or playlist, else empty.</param>
    /// <param name="isMainManifest">An MPD: it names its channel even where a playlist already does.</param>
    /// <param name="templates">The manifest's segment templates, serialized; empty when there are none.</param>
    /// <param name="channelEndedEvent">Empty unless the manifest went static.</param>
    /// <param name="keep">The init segments recorded in the channel, whose keys are extended.</param>
    public static async Task<bool> RunAsync(
        IDatabaseAsync db,
        VersionKeys keys,
        string version,
        long nowMilliseconds,
        long retentionMilliseconds,
        RedisChannel events,
        byte[] completedEvent,
        RedisChannel channelEvents,
        int activityCap,
        byte[] channelEvent,
        string manifestPath,
        bool isMainManifest,
        string templates,
        byte[] channelEndedEvent,
        long uploadingTtlMilliseconds,
        bool isInitSegment,
        string name,
        int maxInitSegments,
        IReadOnlyList<KeptInitSegment> keep)
    {
        var scriptKeys = new RedisKey[6 + (4 * keep.Count)];
        var arguments = new RedisValue[16 + (2 * keep.Count)];
        (scriptKeys[0], scriptKeys[1], scriptKeys[2], scriptKeys[3], scriptKeys[4], scriptKeys[5]) =
            (keys.Meta, keys.Chunks, keys.Current, keys.Versions, keys.Channel, keys.Activity);
        RedisValue[] named =
        [
            version, nowMilliseconds, retentionMilliseconds,
            events.ToString(), completedEvent,
            channelEvents.ToString(), activityCap, channelEvent,
            manifestPath, isMainManifest ? "1" : string.Empty, templates, channelEndedEvent,
            uploadingTtlMilliseconds, isInitSegment ? "1" : string.Empty, name, maxInitSegments,
        ];
        named.CopyTo(arguments, 0);
        for (var i = 0; i < keep.Count; i++)
        {
            var init = keep[i];
            (scriptKeys[6 + (4 * i)], scriptKeys[7 + (4 * i)], scriptKeys[8 + (4 * i)], scriptKeys[9 + (4 * i)]) =
                (init.Keys.Current, init.Keys.Versions, init.Keys.Meta, init.Keys.Chunks);
            (arguments[16 + (2 * i)], arguments[17 + (2 * i)]) = (init.Name, init.Version);
        }

        return (long)await db.ScriptEvaluateAsync(Source, scriptKeys, arguments).ConfigureAwait(false) == 1;
    }
}
