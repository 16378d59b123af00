namespace CmafOrigin.Archive.Telemetry;

internal static partial class ArchiveLog
{
    [LoggerMessage(11001, LogLevel.Information, "Archiving channel {Channel}: run {Run} started")]
    public static partial void RunStarted(ILogger logger, string channel, string run);

    [LoggerMessage(11002, LogLevel.Information, "Archiving channel {Channel}: run {Run} resumed with {Segments} segments already on disk")]
    public static partial void RunResumed(ILogger logger, string channel, string run, int segments);

    [LoggerMessage(11003, LogLevel.Information, "Archive run {Run} of channel {Channel} is final ({Reason}): {Segments} segments, {Duration:0.0} s")]
    public static partial void RunFinal(ILogger logger, string channel, string run, string reason, int segments, double duration);

    [LoggerMessage(11004, LogLevel.Warning, "Archive of channel {Channel} misses segments {From}-{To} of track {Track}: {Reason}")]
    public static partial void Gap(ILogger logger, string channel, string track, long from, long to, string reason);

    [LoggerMessage(11005, LogLevel.Error, "Archiving channel {Channel} stopped for run {Run}: writing to the archive failed; live delivery is not affected")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string channel, string run);

    [LoggerMessage(11006, LogLevel.Error, "Finalizing archive run {Run} of channel {Channel} failed; it stays live and is retried")]
    public static partial void FinalizeFailed(ILogger logger, Exception exception, string channel, string run);

    [LoggerMessage(11007, LogLevel.Warning, "The archive trails channel {Channel} by {Lag:0.0} s: segments older than the Redis retention are lost")]
    public static partial void FallingBehind(ILogger logger, string channel, double lag);

    [LoggerMessage(11008, LogLevel.Debug, "This archive writer now archives channel {Channel}")]
    public static partial void LeaseTaken(ILogger logger, string channel);

    [LoggerMessage(11009, LogLevel.Warning, "This archive writer lost the lease of channel {Channel}; another writer goes on")]
    public static partial void LeaseLost(ILogger logger, string channel);

    [LoggerMessage(11010, LogLevel.Warning, "Reading channel {Channel}'s log for the archive failed; retrying")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(11011, LogLevel.Information, "Removed archive run {Run} of channel {Channel}: older than the retention")]
    public static partial void RunRemoved(ILogger logger, string channel, string run);

    [LoggerMessage(11012, LogLevel.Warning, "Channel {Channel}'s encoder changed its {What}: the archive ends run {Run} and starts another")]
    public static partial void EncoderRestarted(ILogger logger, string channel, string run, string what);

    [LoggerMessage(11013, LogLevel.Error, "Archiving channel {Channel} failed unexpectedly; it is started again")]
    public static partial void RecorderFailed(ILogger logger, Exception exception, string channel);
}
