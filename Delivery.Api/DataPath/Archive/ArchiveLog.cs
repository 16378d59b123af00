namespace CmafOrigin.Delivery.Archive;

internal static partial class ArchiveLog
{
    [LoggerMessage(3701, LogLevel.Debug, "Served {Path} from archived run {Run}: older than Redis holds")]
    public static partial void ServedFromArchive(ILogger logger, string path, string run);

    [LoggerMessage(3702, LogLevel.Warning, "Reading {Path} from archived run {Run} failed")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string path, string run);
}
