namespace CmafOrigin.Ingest.Healing;

internal static partial class HealLog
{
    [LoggerMessage(7101, LogLevel.Warning, "Redis had lost {Path}: stored version {Version} again ({Bytes} bytes) from this process's copy")]
    public static partial void Restored(ILogger logger, string path, string version, int bytes);

    [LoggerMessage(7102, LogLevel.Debug, "Could not check the init segments of channel {Channel} on Redis; the next upload tries again")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string channel);
}
