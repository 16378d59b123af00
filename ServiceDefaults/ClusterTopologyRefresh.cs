using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CmafOrigin.ServiceDefaults;

/// <summary>
/// On a Redis Cluster, re-reads the slot map while a master serving slots is unreachable, so commands for its slots
/// reach the replica the cluster promotes within a moment of the promotion.
/// </summary>
/// <remarks>
/// StackExchange.Redis learns a new topology from a MOVED reply or its periodic check (<c>ConfigCheckSeconds</c>, 60 s).
/// After a master dies neither comes soon: with fail-fast commands it never sends one to the dead master's slots, so
/// nothing answers MOVED, and a channel on that shard would stay down for up to a minute after its replica took over
/// (measured 9–13 s here, when another reconfiguration happened to come first). So from the moment a connection fails,
/// while the known map names a master this process cannot reach, that master's replicas are asked their ROLE every
/// <see cref="Interval"/>, and the map is re-read (the client's own reconfiguration) once one says it is master.
/// </remarks>
internal sealed partial class ClusterTopologyRefresh(IConnectionMultiplexer redis, TimeProvider time, ILogger<ClusterTopologyRefresh> logger)
    : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _lost = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _lost.WaitAsync(stoppingToken);
                // The map as this client knew it before the loss: which master is gone, and which replicas may take over.
                var map = redis.GetServers().FirstOrDefault(server => server.IsConnected && server.ServerType == ServerType.Cluster)?.ClusterConfiguration;
                if (map is null || UnreachableMaster(map, redis.GetServers()) is not { } lost)
                {
                    continue;
                }

                Waiting(logger, lost.EndPoint?.ToString() ?? lost.NodeId);
                var waited = time.GetTimestamp();
                var replicas = map.Nodes.Where(node => node.ParentNodeId == lost.NodeId && node.EndPoint is not null).Select(node => node.EndPoint!).ToList();
                // Until the master is back or one of its replicas says it is a master now (ROLE; the client is not given
                // the admin commands that CLUSTER NODES would need); reconfiguring before that would only wait on the
                // dead node's connect timeout.
                while (!IsConnected(lost.EndPoint) && !await AnyPromotedAsync(replicas))
                {
                    await Task.Delay(Interval, time, stoppingToken);
                }

                await ReconfigureAsync();
                Refreshed(logger, (long)time.GetElapsedTime(waited).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
        }
    }

    /// <summary>A master of <paramref name="map"/> serving slots that none of <paramref name="servers"/> is connected to, or null.</summary>
    internal static ClusterNode? UnreachableMaster(ClusterConfiguration map, IReadOnlyCollection<IServer> servers) =>
        map.Nodes.FirstOrDefault(node => !node.IsReplica && node.Slots.Count > 0
            && !servers.Any(server => server.IsConnected && server.EndPoint.Equals(node.EndPoint)));

    private bool IsConnected(EndPoint? endPoint) =>
        endPoint is not null && redis.GetServers().Any(server => server.IsConnected && server.EndPoint.Equals(endPoint));

    private async Task<bool> AnyPromotedAsync(IReadOnlyList<EndPoint> replicas)
    {
        foreach (var replica in replicas)
        {
            try
            {
                if (IsConnected(replica) && await redis.GetServer(replica).RoleAsync() is Role.Master)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RefreshFailed(logger, ex);
            }
        }

        return false;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Wakes the loop if it sleeps; one pending wake is enough.
        if (_lost.CurrentCount == 0)
        {
            try
            {
                _lost.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    private async Task ReconfigureAsync()
    {
        try
        {
            await redis.ConfigureAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The next round tries again.
            RefreshFailed(logger, ex);
        }
    }

    public override void Dispose()
    {
        _lost.Dispose();
        base.Dispose();
    }

    [LoggerMessage(9621, LogLevel.Warning, "Redis Cluster master {EndPoint} is unreachable: waiting for the cluster to promote its replica")]
    private static partial void Waiting(ILogger logger, string endPoint);

    [LoggerMessage(9622, LogLevel.Information, "Redis Cluster slot map re-read {Milliseconds} ms after a master was lost")]
    private static partial void Refreshed(ILogger logger, long milliseconds);

    [LoggerMessage(9623, LogLevel.Debug, "Re-reading the Redis Cluster slot map failed")]
    private static partial void RefreshFailed(ILogger logger, Exception exception);
}
