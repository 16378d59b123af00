namespace CmafOrigin.Delivery.Hls;

internal static partial class HlsLog
{
    [LoggerMessage(9001, LogLevel.Information, "LL-HLS of {Manifest} opened: {Renditions} renditions")]
    public static partial void Opened(ILogger logger, string manifest, int renditions);

    [LoggerMessage(9002, LogLevel.Information, "No LL-HLS for {Manifest}: {Reason}")]
    public static partial void Unavailable(ILogger logger, string manifest, string reason);

    [LoggerMessage(9003, LogLevel.Warning, "Rendition {Rendition} of {Manifest} has no LL-HLS: segment {Segment} is not CMAF ({Reason})")]
    public static partial void Malformed(ILogger logger, string rendition, string manifest, string segment, string reason);

    [LoggerMessage(9004, LogLevel.Warning, "Following rendition {Rendition} of {Manifest} failed")]
    public static partial void FollowFailed(ILogger logger, Exception exception, string rendition, string manifest);

    [LoggerMessage(9005, LogLevel.Information, "LL-HLS of {Manifest} closed after {IdleSeconds} s without a viewer")]
    public static partial void Closed(ILogger logger, string manifest, double idleSeconds);

    [LoggerMessage(9006, LogLevel.Debug, "Refreshing the MPD of {Manifest} failed")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string manifest);
}
