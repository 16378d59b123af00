using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// <c>builder.AddRedisCluster("redis")</c>: a local Redis Cluster of Debian's redis-server, three masters and a
/// replica each, every node a resource on the dashboard (<c>redis-node-1</c>…) under the <c>redis</c> resource that
/// forms the cluster and hands out its connection string.
/// </summary>
internal static class RedisClusterExtensions
{
    public const int Masters = 3;
    public const int ReplicasPerMaster = 1;

    /// <summary>
    /// Short, so a master's failover is seen in seconds (detected after this, its replica promoted about a second
    /// later); not much shorter, or a busy two-core machine makes nodes think each other failed.
    /// </summary>
    private const int NodeTimeoutMilliseconds = 2000;

    /// <exception cref="AppHostException">redis-server is not installed.</exception>
    public static IResourceBuilder<RedisClusterResource> AddRedisCluster(this IDistributedApplicationBuilder builder, string name)
    {
        var command = Executable.Require("redis-server", "redis-server");
        // Fresh for every run, so no node starts with a nodes.conf of an earlier cluster; removed when the AppHost stops.
        var directory = Directory.CreateTempSubdirectory($"cmaforigin-{name}-cluster-").FullName;
        var cluster = new RedisClusterResource(name, Masters, ReplicasPerMaster);
        var redis = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisCluster",
                State = KnownResourceStates.NotStarted,
                Properties = [new("redis.cluster.shape", $"{Masters} masters, {ReplicasPerMaster} replica each")],
            });

        var ports = FreePorts(2 * Masters * (1 + ReplicasPerMaster));
        for (var i = 0; i < Masters * (1 + ReplicasPerMaster); i++)
        {
            var node = builder.AddClusterNode(redis, $"{name}-node-{i + 1}", command, directory, ports[2 * i], ports[(2 * i) + 1]);
            cluster.Add(node.Resource);
            // The cluster forms once every node answers PING.
            redis.WaitFor(node);
        }

        var healthCheckKey = $"{name}-cluster-ok";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new RedisClusterHealthCheck(cluster));
        builder.Services.AddHostedService(services => new TemporaryDirectory(directory, services.GetRequiredService<IHostApplicationLifetime>()));
        return redis
            .WithHealthCheck(healthCheckKey)
            .OnInitializeResource(FormAsync);
    }

    private static IResourceBuilder<RedisClusterNodeResource> AddClusterNode(
        this IDistributedApplicationBuilder builder, IResourceBuilder<RedisClusterResource> cluster, string name, string command, string clusterDirectory, int port, int busPort)
    {
        var directory = Directory.CreateDirectory(Path.Combine(clusterDirectory, name)).FullName;
        var pingKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddCheck(pingKey, new RedisPingHealthCheck(port));
        // Not proxied: clients follow the nodes' own addresses (CLUSTER SLOTS, MOVED), so those must be the real ports.
        return builder.AddResource(new RedisClusterNodeResource(name, command, directory, port, busPort))
            .WithEndpoint(port: port, targetPort: port, name: RedisClusterNodeResource.EndpointName, isProxied: false)
            .WithArgs(
                "--bind", "127.0.0.1",
                "--port", Text(port),
                "--dir", directory,
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-port", Text(busPort),
                "--cluster-node-timeout", Text(NodeTimeoutMilliseconds),
                // A shard without a master must not stop the others: the channels on them keep playing.
                "--cluster-require-full-coverage", "no",
                // "" switches RDB snapshots off; appendonly no, the log: only nodes.conf is written.
                "--save", string.Empty,
                "--appendonly", "no",
                // A replica's first sync at once, not after the default 5 s wait for more replicas.
                "--repl-diskless-sync-delay", "0")
            .WithHealthCheck(pingKey)
            .WithParentRelationship(cluster);
    }

    /// <summary>Waits for the nodes (the WaitFor annotations), forms the cluster, then reports it Running.</summary>
    private static async Task FormAsync(RedisClusterResource cluster, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        var time = e.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var started = time.GetTimestamp();
        try
        {
            await e.Eventing.PublishAsync(new BeforeResourceStartedEvent(cluster, e.Services), cancellationToken);
            var nodesUp = time.GetElapsedTime(started);
            await e.Notifications.PublishUpdateAsync(cluster, snapshot => snapshot with
            {
                State = new ResourceStateSnapshot("Forming", KnownResourceStateStyles.Info),
                StartTimeStamp = time.GetUtcNow().UtcDateTime,
            });
            await new RedisClusterFormation(cluster, time, e.Logger).FormAsync(cancellationToken);
            RedisClusterLog.Formed(e.Logger, cluster.Masters, cluster.Nodes.Count - cluster.Masters, nodesUp.TotalSeconds, (time.GetElapsedTime(started) - nodesUp).TotalSeconds);
            await e.Notifications.PublishUpdateAsync(cluster, snapshot => snapshot with { State = KnownResourceStates.Running });
            await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(cluster, e.Services), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            RedisClusterLog.FormingFailed(e.Logger, ex);
            await e.Notifications.PublishUpdateAsync(cluster, snapshot => snapshot with { State = KnownResourceStates.FailedToStart });
        }
    }

    /// <summary>Distinct free ports: a client port and a cluster bus port per node.</summary>
    private static int[] FreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(FreePort.Pick());
        }

        return [.. ports];
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Removes the nodes' directories once the AppHost has stopped (and DCP with it, the nodes).</summary>
    private sealed class TemporaryDirectory(string path, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopped.Register(() =>
            {
                try
                {
                    Directory.Delete(path, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Left for the system's temp cleaning: a few bytes of nodes.conf.
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
