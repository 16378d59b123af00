namespace CmafOrigin.Ingest.Auth;

internal static partial class IngestAuthLog
{
    [LoggerMessage(1501, LogLevel.Warning, "Ingest accepts uploads from anyone: no credentials are configured (Ingest:Auth:Credentials)")]
    public static partial void Anonymous(ILogger logger);

    [LoggerMessage(1502, LogLevel.Information, "Ingest requires credentials: {Count} configured, granting {Prefixes}")]
    public static partial void CredentialsRequired(ILogger logger, int count, string prefixes);

    [LoggerMessage(1503, LogLevel.Warning, "{Method} of {Path} from {Remote} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string? remote, int status, string reason);

    /// <summary>Debug: ffmpeg's first request on every connection is answered this way before it sends its credentials.</summary>
    [LoggerMessage(1504, LogLevel.Debug, "{Method} of {Path} from {Remote} challenged with 401: {Reason}")]
    public static partial void Challenged(ILogger logger, string method, string path, string? remote, string reason);
}
