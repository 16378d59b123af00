namespace CmafOrigin.Delivery.Feeds;

internal static partial class FeedLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Reading {Path} version {Version} from Redis failed")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string path, string version);

    [LoggerMessage(2002, LogLevel.Information, "Subscribed to object events on {Channel}")]
    public static partial void Subscribed(ILogger logger, string channel);

    [LoggerMessage(2003, LogLevel.Warning, "Subscribing to object events failed; retrying")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2004, LogLevel.Warning, "Ignored an object event that could not be parsed")]
    public static partial void BadEvent(ILogger logger, Exception exception);

    [LoggerMessage(2005, LogLevel.Information, "Redis connection restored; re-reading {Feeds} live feeds")]
    public static partial void Restored(ILogger logger, int feeds);

    [LoggerMessage(2006, LogLevel.Debug, "Feed of {Path} version {Version} stopped short of the end: {Reason}")]
    public static partial void Aborted(ILogger logger, string path, string version, string reason);

    [LoggerMessage(2007, LogLevel.Warning, "Upload of {Path} version {Version} silent for {Seconds} s, longer than its Ingest allows: that Ingest is gone; its viewers are reset")]
    public static partial void WriterGone(ILogger logger, string path, string version, double seconds);
}
