using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>restore.lua</c>: puts back an init segment version Redis lost, unless it has that version or a newer one.</summary>
internal static class RestoreScript
{
    private static readonly string Source = ScriptSource.Load("restore.lua");

    /// <summary>Runs the script; true when it stored the version again.</summary>
    public static async Task<bool> RunAsync(
        IDatabaseAsync db,
        VersionKeys keys,
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
            [keys.Current, keys.Versions, keys.Meta, keys.Chunks, keys.Channel, keys.Activity],
            [version, contentType, body, receivedMicroseconds,
             createdMilliseconds, nowMilliseconds, retentionMilliseconds,
             name, maxInitSegments, events.ToString(), startedEvent, completedEvent]).ConfigureAwait(false) == 1;
}
