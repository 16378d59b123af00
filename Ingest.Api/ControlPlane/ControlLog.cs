namespace CmafOrigin.Ingest.Control;

internal static partial class ControlLog
{
    [LoggerMessage(6001, LogLevel.Warning, "The control plane has no admin token (Control:AdminToken): anyone who reaches {Url} can list and purge channels")]
    public static partial void Anonymous(ILogger logger, string url);

    [LoggerMessage(6002, LogLevel.Information, "Admin call {Method} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string reason);

    [LoggerMessage(6003, LogLevel.Information, "Purged channel {Channel}: {Objects} objects removed, {Aborted} uploads aborted")]
    public static partial void Purged(ILogger logger, string channel, int objects, int aborted);

    [LoggerMessage(6004, LogLevel.Error, "Redis failed during {Method}")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(6005, LogLevel.Debug, "A WatchChannels call ended: {Reason}")]
    public static partial void WatchEnded(ILogger logger, string reason);
}
