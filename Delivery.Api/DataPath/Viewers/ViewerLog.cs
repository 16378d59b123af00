namespace CmafOrigin.Delivery.Viewers;

internal static partial class ViewerLog
{
    [LoggerMessage(3001, LogLevel.Information, "Aborted the response for {Path} version {Version}: {Outcome}")]
    public static partial void Aborted(ILogger logger, string path, string version, ViewerOutcome outcome);

    [LoggerMessage(3002, LogLevel.Debug, "Viewer of {Path} went away")]
    public static partial void ViewerGone(ILogger logger, string path);

    [LoggerMessage(3003, LogLevel.Error, "Redis failed while serving {Path}")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(7101, LogLevel.Debug, "Viewer of {Path} took no write for {Seconds} s; disconnected")]
    public static partial void TooSlow(ILogger logger, string path, double seconds);

    [LoggerMessage(7102, LogLevel.Debug, "Refused a viewer of {Path}: {Open} viewers already")]
    public static partial void Refused(ILogger logger, string path, int open);
}
