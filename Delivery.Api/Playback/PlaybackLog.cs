namespace CmafOrigin.Delivery.Playback;

internal static partial class PlaybackLog
{
    [LoggerMessage(3501, LogLevel.Information, "Signed playback is on: every object request needs a token")]
    public static partial void Enabled(ILogger logger);

    /// <summary>Debug: a player retrying with an expired token would otherwise flood the log.</summary>
    [LoggerMessage(3502, LogLevel.Debug, "{Method} of {Path} from {Remote} refused with 403: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string? remote, string reason);
}
