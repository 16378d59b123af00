using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// Healthy while every node says <c>cluster_state:ok</c> with all slots served (what <c>WaitFor(redis)</c> waits
/// for); Degraded when the cluster serves every slot but a node does not answer (a replica down, or a master whose
/// replica took over); Unhealthy when any node sees slots unserved or no node answers.
/// </summary>
internal sealed class RedisClusterHealthCheck(RedisClusterResource cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var silent = new List<string>();
        string? masters = null;
        foreach (var node in cluster.Nodes)
        {
            try
            {
                await using var connection = await RespConnection.OpenAsync(node.Port, cancellationToken);
                var info = await connection.CommandAsync(cancellationToken, "CLUSTER", "INFO");
                var state = RedisInfo.Field(info, "cluster_state");
                var slotsOk = RedisInfo.Field(info, "cluster_slots_ok");
                if (state != "ok" || slotsOk != $"{RedisClusterFormation.Slots}")
                {
                    return HealthCheckResult.Unhealthy($"{node.Name} says cluster_state:{state}, {slotsOk} of {RedisClusterFormation.Slots} slots ok");
                }

                masters ??= RedisInfo.Field(info, "cluster_size");
            }
            catch (Exception ex) when (ex is SocketException or IOException or RedisErrorException)
            {
                silent.Add(node.Name);
            }
        }

        return silent.Count == cluster.Nodes.Count ? HealthCheckResult.Unhealthy("no node of the cluster answers")
            : silent.Count > 0 ? HealthCheckResult.Degraded($"cluster ok with {masters} masters; not answering: {string.Join(", ", silent)}")
            : HealthCheckResult.Healthy($"cluster ok with {masters} masters");
    }
}
