using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// Healthy once redis-server answers <c>PING</c> with <c>PONG</c> (not <c>-LOADING</c>): what <c>WaitFor(redis)</c> waits for.
/// </summary>
internal sealed class RedisPingHealthCheck(int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await RespConnection.OpenAsync(port, cancellationToken);
            var reply = await connection.CommandAsync(cancellationToken, "PING");
            return reply == "PONG"
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"redis-server answered PING with '{reply}'");
        }
        catch (RedisErrorException ex)
        {
            return HealthCheckResult.Unhealthy($"redis-server answered PING with '{ex.Message}'");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy($"redis-server does not answer on port {port}", ex);
        }
    }
}
