using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// A script over several keys of a channel meets <c>TRYAGAIN</c> while the channel's Redis Cluster slot migrates to
/// another master (resharding): some of its keys are on the old master and some on the new one, or it creates a key
/// the new master has not got yet, so neither node runs it until the move completes. Redis ran nothing of it, so it
/// is safe to send again: it is, with short pauses, for up to <see cref="MaxWait"/>. Single-key commands need none of
/// this; the client follows their <c>ASK</c> and <c>MOVED</c> itself. A script that meets <c>NOSCRIPT</c> (a master just
/// promoted, or restarted, has not got it in its cache; Redis does not replicate the cache) ran nothing either: the
/// client then forgets it sent the script before and sends it whole, so it too is sent again.
/// </summary>
internal static class SlotMigration
{
    /// <summary>
    /// Longer than moving a channel's slot takes (<c>redis-cli --cluster reshard</c> moves hundreds of keys a second,
    /// a channel has tens to hundreds), and shorter than Ingest's idle timeout and Delivery's stall limit, so waiting
    /// holds a piece back but never gets its upload taken for dead.
    /// </summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs <paramref name="script"/>, again while it meets <c>TRYAGAIN</c>, for up to <see cref="MaxWait"/>.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> script, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await script().ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (RanNothing(ex) && time.GetElapsedTime(started) + pause <= MaxWait)
            {
                await Task.Delay(pause, time).ConfigureAwait(false);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    /// <summary>Redis ran nothing of the script: its slot is migrating, or it did not know the script.</summary>
    public static bool RanNothing(RedisServerException exception) =>
        IsTryAgain(exception) || exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    /// <summary>Redis Cluster's "slot migrating, the keys are split: send it again later".</summary>
    public static bool IsTryAgain(RedisServerException exception) =>
        exception.Kind == RedisErrorKind.TryAgain || exception.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal);
}
