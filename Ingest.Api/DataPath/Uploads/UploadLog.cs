namespace CmafOrigin.Ingest.Uploads;

internal static partial class UploadLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Upload of {Path} started as version {Version}")]
    public static partial void Started(ILogger logger, string path, string version);

    [LoggerMessage(1002, LogLevel.Debug, "Upload of {Path} version {Version} completed: {Bytes} bytes in {Chunks} pieces")]
    public static partial void Completed(ILogger logger, string path, string version, long bytes, int chunks);

    [LoggerMessage(1003, LogLevel.Warning, "Upload of {Path} version {Version} aborted ({Outcome}) after {Bytes} bytes")]
    public static partial void Aborted(ILogger logger, string path, string version, UploadOutcome outcome, long bytes);

    [LoggerMessage(1004, LogLevel.Information, "Upload to {Path} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, int status, string reason);

    [LoggerMessage(1005, LogLevel.Error, "Redis failed during the upload of {Path}")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(1008, LogLevel.Error, "Redis refused the piece of {Path} at offset {Offset}: the version holds {Stored} bytes")]
    public static partial void PieceOutOfPlace(ILogger logger, string path, long offset, long stored);

    [LoggerMessage(1006, LogLevel.Debug, "Deleted {Path}")]
    public static partial void Deleted(ILogger logger, string path);

    [LoggerMessage(1007, LogLevel.Debug, "Upload of {Path} broke off: {Message}")]
    public static partial void ClientGone(ILogger logger, string path, string message);

    [LoggerMessage(9611, LogLevel.Information, "Upload of {Path} has a malformed body: {Message}")]
    public static partial void Malformed(ILogger logger, string path, string message);

    [LoggerMessage(7001, LogLevel.Information, "Shutting down: refusing new uploads, {Open} still in flight")]
    public static partial void Draining(ILogger logger, int open);

    [LoggerMessage(7002, LogLevel.Warning, "Shut down with {Open} uploads still ending; their keys expire on their own")]
    public static partial void DrainIncomplete(ILogger logger, int open);

    [LoggerMessage(7003, LogLevel.Information, "Redis is back: wrote {Count} abort markers of uploads cut while it was gone")]
    public static partial void LateAbortsWritten(ILogger logger, int count);
}
