using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary><c>purge-channel.lua</c>: the last step of a purge; removes the channel's keys and announces its end when it was live.</summary>
internal static class PurgeChannelScript
{
    private static readonly string Source = ScriptSource.Load("purge-channel.lua");

    /// <summary>Runs the script; returns how many keys it removed.</summary>
    /// <param name="rest">Any other keys of the channel still to remove.</param>
    public static async Task<long> RunAsync(
        IDatabaseAsync db,
        RedisKey channel,
        RedisKey activity,
        IEnumerable<RedisKey> rest,
        RedisChannel channelEvents,
        byte[] channelEndedEvent) =>
        (long)await db.ScriptEvaluateAsync(
            Source,
            [channel, activity, .. rest],
            [channelEvents.ToString(), channelEndedEvent]).ConfigureAwait(false);
}
