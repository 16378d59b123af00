using Microsoft.Extensions.Logging;

namespace CmafOrigin.ServiceDefaults.Http;

internal static partial class RequestGuardLog
{
    [LoggerMessage(9601, LogLevel.Information, "{Method} request refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, int status, string reason);
}
