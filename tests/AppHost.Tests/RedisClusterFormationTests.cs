using System.Diagnostics;
using System.Globalization;
using CmafOrigin.AppHost.Redis;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CmafOrigin.AppHost.Tests;

/// <summary>Forming the AppHost's cluster on real redis-servers, without Aspire: from fresh nodes, and again on a formed cluster.</summary>
public sealed class RedisClusterFormationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FormAsync_FreshNodes_FormsThreeMastersWithAReplicaEach_AndAgainChangesNothing()
    {
        await using var nodes = await FreshNodes.StartAsync(6, Cancellation);
        var cluster = nodes.AsResource();

        var forming = Stopwatch.StartNew();
        await new RedisClusterFormation(cluster, TimeProvider.System, NullLogger.Instance).FormAsync(Cancellation);
        TestContext.Current.TestOutputHelper?.WriteLine($"formed in {forming.Elapsed.TotalSeconds:0.00} s");
        var before = await TopologyAsync(nodes.Ports[0]);
        await new RedisClusterFormation(cluster, TimeProvider.System, NullLogger.Instance).FormAsync(Cancellation);

        Assert.Equal(3, before.Count(node => !node.IsReplica && node.Slots.Count > 0));
        Assert.Equal(3, before.Count(node => node.IsReplica));
        // Each replica follows the master of its range: node 4 node 1's, and so on.
        for (var i = 0; i < 3; i++)
        {
            var replica = before.Single(node => node.EndPoint!.ToString()!.EndsWith($":{nodes.Ports[3 + i]}", StringComparison.Ordinal));
            var master = before.Single(node => node.EndPoint!.ToString()!.EndsWith($":{nodes.Ports[i]}", StringComparison.Ordinal));
            Assert.Equal(master.NodeId, replica.ParentNodeId);
        }

        Assert.Equal(Describe(before), Describe(await TopologyAsync(nodes.Ports[0])));
    }

    [Fact]
    public async Task FormAsync_ClusterFormedByRedisCli_IsLeftAsItIs()
    {
        await using var formed = await RedisCluster.StartAsync(Cancellation);
        var cluster = new RedisClusterResource("redis", masters: 3, replicasPerMaster: 1);
        foreach (var (port, i) in formed.Ports.Select((port, i) => (port, i)))
        {
            cluster.Add(new RedisClusterNodeResource($"redis-node-{i + 1}", "redis-server", Path.GetTempPath(), port, busPort: 0));
        }

        var before = Describe((await formed.Connection.GetServers()[0].ClusterNodesAsync())!.Nodes);
        await new RedisClusterFormation(cluster, TimeProvider.System, NullLogger.Instance).FormAsync(Cancellation);

        Assert.Equal(before, Describe((await formed.Connection.GetServers()[0].ClusterNodesAsync())!.Nodes));
    }

    private static async Task<IReadOnlyList<ClusterNode>> TopologyAsync(int port)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
        return [.. (await connection.GetServers()[0].ClusterNodesAsync())!.Nodes];
    }

    /// <summary>Who is whose replica and who serves which slots: what forming again must not change.</summary>
    private static string Describe(IEnumerable<ClusterNode> nodes) =>
        string.Join("; ", nodes.OrderBy(node => node.NodeId, StringComparer.Ordinal)
            .Select(node => $"{node.NodeId} {node.EndPoint} {node.ParentNodeId} {string.Join(',', node.Slots)}"));

    /// <summary>Cluster-mode redis-servers that know no other node yet, as DCP starts the AppHost's.</summary>
    private sealed class FreshNodes : IAsyncDisposable
    {
        private readonly List<Process> _processes = [];
        private readonly string _directory = Directory.CreateTempSubdirectory("cluster-formation-").FullName;
        private readonly List<(int Port, int BusPort)> _ports = [];

        public IReadOnlyList<int> Ports => [.. _ports.Select(p => p.Port)];

        public static async Task<FreshNodes> StartAsync(int count, CancellationToken ct)
        {
            var nodes = new FreshNodes();
            try
            {
                var taken = new HashSet<int>();
                for (var i = 0; i < count; i++)
                {
                    var (port, bus) = (Pick(taken), Pick(taken));
                    nodes._ports.Add((port, bus));
                    var directory = Directory.CreateDirectory(Path.Combine(nodes._directory, Text(port))).FullName;
                    nodes._processes.Add(Process.Start(new ProcessStartInfo("redis-server")
                    {
                        ArgumentList =
                        {
                            "--bind", "127.0.0.1", "--port", Text(port), "--dir", directory, "--cluster-enabled", "yes",
                            "--cluster-port", Text(bus), "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no",
                            "--repl-diskless-sync-delay", "0", "--logfile", Path.Combine(directory, "log"),
                        },
                    })!);
                }

                foreach (var port in nodes.Ports)
                {
                    await WaitForPingAsync(port, ct);
                }

                return nodes;
            }
            catch
            {
                await nodes.DisposeAsync();
                throw;
            }
        }

        public RedisClusterResource AsResource()
        {
            var cluster = new RedisClusterResource("redis", masters: 3, replicasPerMaster: 1);
            for (var i = 0; i < _ports.Count; i++)
            {
                cluster.Add(new RedisClusterNodeResource($"redis-node-{i + 1}", "redis-server", _directory, _ports[i].Port, _ports[i].BusPort));
            }

            return cluster;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in _processes)
            {
                process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
            }

            Directory.Delete(_directory, recursive: true);
        }

        private static async Task WaitForPingAsync(int port, CancellationToken ct)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await using var connection = await RespConnection.OpenAsync(port, ct);
                    if (await connection.CommandAsync(ct, "PING") == "PONG")
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException && waited.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(20, ct);
                }
            }
        }

        private static int Pick(HashSet<int> taken)
        {
            while (true)
            {
                var port = FreePort.Pick();
                if (taken.Add(port))
                {
                    return port;
                }
            }
        }

        private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
    }
}
