namespace CmafOrigin.Delivery.Status;

internal static partial class StatusLog
{
    [LoggerMessage(8101, LogLevel.Warning, "Building the status snapshot failed: Redis is unavailable")]
    public static partial void StorageFailed(ILogger logger, Exception exception);

    [LoggerMessage(8103, LogLevel.Error, "Building the status snapshot failed")]
    public static partial void BuildFailed(ILogger logger, Exception exception);

    [LoggerMessage(8102, LogLevel.Debug, "Status page connected; {Watchers} open")]
    public static partial void Connected(ILogger logger, int watchers);
}
