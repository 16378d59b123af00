namespace CmafOrigin.Delivery.Reports;

internal static partial class ReportLog
{
    [LoggerMessage(8001, LogLevel.Information, "Reporting as Delivery instance {InstanceId} every {Interval}")]
    public static partial void Started(ILogger logger, string instanceId, TimeSpan interval);

    [LoggerMessage(8002, LogLevel.Warning, "Writing the Delivery report to Redis failed; retrying every interval")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(8003, LogLevel.Debug, "Writing the Delivery report to Redis failed again")]
    public static partial void StillFailing(ILogger logger, Exception exception);

    [LoggerMessage(8004, LogLevel.Information, "Delivery report written to Redis again")]
    public static partial void Restored(ILogger logger);

    [LoggerMessage(8005, LogLevel.Warning, "Removing the report of Delivery instance {InstanceId} from Redis failed; it expires on its own")]
    public static partial void RemoveFailed(ILogger logger, Exception exception, string instanceId);
}
