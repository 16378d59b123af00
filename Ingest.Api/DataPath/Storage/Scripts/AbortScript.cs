using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>abort.lua</c>: the upload broke; the abort marker, and the previous version current again while retained.</summary>
internal static class AbortScript
{
    private static readonly string Source = ScriptSource.Load("abort.lua");

    /// <summary>Runs the script; false when the version was no longer uploading.</summary>
    /// <param name="previousMeta">The meta key of <paramref name="previous"/>; null when there is none.</param>
    /// <param name="segmentAbortedEvent">Empty for a manifest.</param>
    public static async Task<bool> RunAsync(
        IDatabaseAsync db,
        VersionKeys keys,
        RedisKey? previousMeta,
        string version,
        string? previous,
        long nowMilliseconds,
        long retentionMilliseconds,
        string reason,
        RedisChannel events,
        byte[] abortedEvent,
        RedisChannel channelEvents,
        int activityCap,
        byte[] segmentAbortedEvent,
        long uploadingTtlMilliseconds) =>
        (long)await db.ScriptEvaluateAsync(
            Source,
            // A script declares every key it may touch: without a previous version, meta stands in for its meta.
            [keys.Meta, keys.Chunks, keys.Current, keys.Versions, previousMeta ?? keys.Meta, keys.Channel, keys.Activity],
            [version, previous ?? string.Empty, nowMilliseconds, retentionMilliseconds, reason,
             events.ToString(), abortedEvent,
             channelEvents.ToString(), activityCap, segmentAbortedEvent, uploadingTtlMilliseconds]).ConfigureAwait(false) == 1;
}
