namespace CmafOrigin.Archive.Finalizing;

internal static partial class FinalizerLog
{
    [LoggerMessage(10501, LogLevel.Information, "Run {RunDirectory} finalized: {Tracks} tracks, {Duration} s, in {Milliseconds} ms")]
    public static partial void Finalized(ILogger logger, string runDirectory, int tracks, double duration, long milliseconds);

    [LoggerMessage(10502, LogLevel.Information, "Track {Track} of run {RunDirectory} has no archived segment: left out of the final run")]
    public static partial void TrackDropped(ILogger logger, string runDirectory, string track);

    [LoggerMessage(10503, LogLevel.Error, "Run {RunDirectory} cannot be finalized and stays live: {Error}")]
    public static partial void Invalid(ILogger logger, string runDirectory, string error);

    [LoggerMessage(10504, LogLevel.Warning, "Removing {File} of final run {RunDirectory} failed; finalizing again retries")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string runDirectory, string file);
}
