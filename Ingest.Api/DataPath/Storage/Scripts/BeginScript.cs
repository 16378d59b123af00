using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>begin.lua</c>: a new version starts uploading and becomes current; its channel (re)starts when it was not live.</summary>
internal static class BeginScript
{
    private static readonly string Source = ScriptSource.Load("begin.lua");

    /// <summary>Runs the script: the version that was current before, or that nothing was written because the templates changed.</summary>
    /// <param name="channelStartedEvent">Stored and published only when the channel (re)starts.</param>
    /// <param name="segmentStartedEvent">Empty for a manifest.</param>
    /// <param name="track">The segment's track, empty when its name tells none.</param>
    /// <param name="segmentNumber">The segment's number, 0 when its name tells none.</param>
    /// <param name="idleTimeoutMilliseconds">How long the upload may be silent before this Ingest aborts it (stored for Delivery).</param>
    /// <param name="classifiedWith">
    /// The channel's templates text <paramref name="track"/> and <paramref name="segmentNumber"/> were read with, when it came
    /// from a cache: the script checks it against the channel's hash. Null when it was just read from Redis (no check).
    /// </param>
    public static async Task<BeginOutcome> RunAsync(
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
        long idleTimeoutMilliseconds,
        string? classifiedWith)
    {
        var result = await db.ScriptEvaluateAsync(
            Source,
            [keys.Current, keys.Meta, keys.Versions, keys.Channel, keys.Activity],
            [version, contentType, nowMilliseconds, uploadingTtlMilliseconds, traceParent,
             events.ToString(), startedEvent,
             channelEvents.ToString(), activityCap, quietMilliseconds,
             channelStartedEvent, segmentStartedEvent, track, segmentNumber, idleTimeoutMilliseconds,
             classifiedWith is null ? "0" : "1", classifiedWith ?? string.Empty]).ConfigureAwait(false);
        return result.Resp2Type == ResultType.Array
            ? new BeginOutcome(TemplatesChanged: true, Previous: null)
            : new BeginOutcome(TemplatesChanged: false, Previous: (string?)result);
    }
}
