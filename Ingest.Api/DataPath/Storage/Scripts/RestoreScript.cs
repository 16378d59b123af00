using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>
/// <c>restore.lua</c>: puts back an init segment version Redis lost, unless it has that version or a newer one, or the
/// encoder deleted it.
/// </summary>
internal static class RestoreScript
{
    private static readonly string Source = ScriptSource.Load("restore.lua");

    /// <summary>Runs the script; what it did.</summary>
    public static async Task<RestoreOutcome> RunAsync(
        IDatabaseAsync db,
        VersionKeys keys,
        RedisKey deletedInitSegments,
        string version,
        string contentType,
        ReadOnlyMemory<byte> body,
        long receivedMicroseconds,
        long createdMilliseconds,
        long nowMilliseconds,
        long retentionMilliseconds,
        string name,
        int maxInitSegments,
        RedisChannel events,
        byte[] startedEvent,
        byte[] completedEvent) =>
        (long)await db.ScriptEvaluateAsync(
            Source,
            [keys.Current, keys.Versions, keys.Meta, keys.Chunks, keys.Channel, keys.Activity, deletedInitSegments],
            [version, contentType, body, receivedMicroseconds,
             createdMilliseconds, nowMilliseconds, retentionMilliseconds,
             name, maxInitSegments, events.ToString(), startedEvent, completedEvent]).ConfigureAwait(false) switch
        {
            1 => RestoreOutcome.Restored,
            -1 => RestoreOutcome.Deleted,
            _ => RestoreOutcome.Stored,
        };
}
