using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>delete.lua</c>: removes exactly the listed versions of a path; ends or removes its channel when that was its manifest or last object.</summary>
internal static class DeleteScript
{
    private static readonly string Source = ScriptSource.Load("delete.lua");

    /// <summary>Runs the script; returns how many keys it removed.</summary>
    /// <param name="current">The path's current-version key.</param>
    /// <param name="versions">The path's version set.</param>
    /// <param name="name">The path's name in its channel (its init record, if any, is forgotten with its version).</param>
    /// <param name="deletedInitSegments">The channel's record of deleted init segments, which restore.lua consults.</param>
    /// <param name="holdCompleted">An archive reads the channel: completed versions are unlinked, their bytes left to expire.</param>
    /// <param name="retentionMilliseconds">How long a deleted init segment stays recorded as deleted.</param>
    public static async Task<long> RunAsync(
        IDatabaseAsync db,
        RedisKey current,
        RedisKey versions,
        RedisKey channel,
        RedisKey activity,
        RedisKey deletedInitSegments,
        RedisChannel events,
        byte[] deletedEvent,
        RedisChannel channelEvents,
        int activityCap,
        string path,
        long nowMilliseconds,
        byte[] channelEndedEvent,
        string name,
        bool holdCompleted,
        long retentionMilliseconds,
        IReadOnlyList<DeletedVersion> delete)
    {
        RedisKey[] named = [current, versions, channel, activity, deletedInitSegments];
        RedisValue[] namedArguments =
        [
            events.ToString(), deletedEvent, channelEvents.ToString(), activityCap,
            path, nowMilliseconds, channelEndedEvent, name, holdCompleted ? "1" : string.Empty, retentionMilliseconds,
        ];
        var scriptKeys = new RedisKey[named.Length + (2 * delete.Count)];
        var arguments = new RedisValue[namedArguments.Length + delete.Count];
        named.CopyTo(scriptKeys, 0);
        namedArguments.CopyTo(arguments, 0);
        for (var i = 0; i < delete.Count; i++)
        {
            (scriptKeys[named.Length + (2 * i)], scriptKeys[named.Length + 1 + (2 * i)]) = (delete[i].Meta, delete[i].Chunks);
            arguments[namedArguments.Length + i] = delete[i].Version;
        }

        return (long)await db.ScriptEvaluateAsync(Source, scriptKeys, arguments).ConfigureAwait(false);
    }
}
