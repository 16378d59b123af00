using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>begin.lua</c>: a new version starts uploading and becomes current; its channel (re)starts when it was not live.</summary>
internal static class BeginScript
{
    private static readonly string Source = ScriptSource.Load("begin.lua");

    /// <summary>Runs the script; returns the version that was current before, or null.</summary>
    /// <param name="channelStartedEvent">Stored and published only when the channel (re)starts.</param>
    /// <param name="segmentStartedEvent">Empty for a manifest.</param>
    /// <param name="track">The segment's track, empty when its name tells none.</param>
    /// <param name="segmentNumber">The segment's number, 0 when its name tells none.</param>
    /// <param name="idleTimeoutMilliseconds">How long the upload may be silent before this Ingest aborts it (stored for Delivery).</param>
    public static async Task<string?> RunAsync(
        IDatabaseAsync db,
        VersionKeys keys,
        string version,
        string contentType,
        long nowMilliseconds,
        long uploadingTtlMilliseconds,
        string traceParent,
        RedisChannel events,
        byte[] startedEvent,
        RedisChannel channelEvents,
        int activityCap,
        long quietMilliseconds,
        byte[] channelStartedEvent,
        byte[] segmentStartedEvent,
        string track,
        long segmentNumber,
        long idleTimeoutMilliseconds) =>
        (string?)await db.ScriptEvaluateAsync(
            Source,
            [keys.Current, keys.Meta, keys.Versions, keys.Channel, keys.Activity],
            [version, contentType, nowMilliseconds, uploadingTtlMilliseconds, traceParent,
             events.ToString(), startedEvent,
             channelEvents.ToString(), activityCap, quietMilliseconds,
             channelStartedEvent, segmentStartedEvent, track, segmentNumber, idleTimeoutMilliseconds]).ConfigureAwait(false);
}
