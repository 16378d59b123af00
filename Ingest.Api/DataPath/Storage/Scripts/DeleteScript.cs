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
    /// <param name="holdCompleted">An archive reads the channel: completed versions are unlinked, their bytes left to expire.</param>
    public static async Task<long> RunAsync(
        IDatabaseAsync db,
        RedisKey current,
        RedisKey versions,
        RedisKey channel,
        RedisKey activity,
        RedisChannel events,
        byte[] deletedEvent,
        RedisChannel channelEvents,
        int activityCap,
        string path,
        long nowMilliseconds,
        byte[] channelEndedEvent,
        string name,
        bool holdCompleted,
        IReadOnlyList<DeletedVersion> delete)
    {
        var scriptKeys = new RedisKey[4 + (2 * delete.Count)];
        var arguments = new RedisValue[9 + delete.Count];
        (scriptKeys[0], scriptKeys[1], scriptKeys[2], scriptKeys[3]) = (current, versions, channel, activity);
        RedisValue[] named =
        [
            events.ToString(), deletedEvent, channelEvents.ToString(), activityCap,
            path, nowMilliseconds, channelEndedEvent, name, holdCompleted ? "1" : string.Empty,
        ];
        named.CopyTo(arguments, 0);
        for (var i = 0; i < delete.Count; i++)
        {
            (scriptKeys[4 + (2 * i)], scriptKeys[5 + (2 * i)]) = (delete[i].Meta, delete[i].Chunks);
            arguments[9 + i] = delete[i].Version;
        }

        return (long)await db.ScriptEvaluateAsync(Source, scriptKeys, arguments).ConfigureAwait(false);
    }
}
