using Microsoft.Extensions.Logging;

namespace CmafOrigin.AppHost.Redis;

/// <summary>What the <c>redis</c> cluster resource writes to its console log on the dashboard.</summary>
internal static partial class RedisClusterLog
{
    [LoggerMessage(12001, LogLevel.Information, "Forming a cluster of {Masters} masters and {Replicas} replicas on ports {Ports} ({Why})")]
    public static partial void Forming(ILogger logger, int masters, int replicas, string ports, string why);

    [LoggerMessage(12002, LogLevel.Information, "The cluster is formed already: nothing to do")]
    public static partial void FormedAlready(ILogger logger);

    [LoggerMessage(12003, LogLevel.Information, "Cluster ok: {Masters} masters, {Replicas} replicas, every slot served; nodes up after {NodesSeconds:0.00} s, formed {FormSeconds:0.00} s later")]
    public static partial void Formed(ILogger logger, int masters, int replicas, double nodesSeconds, double formSeconds);

    [LoggerMessage(12004, LogLevel.Error, "The Redis cluster could not be formed")]
    public static partial void FormingFailed(ILogger logger, Exception exception);
}
