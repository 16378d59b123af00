using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A real Redis Cluster on loopback: three masters and one replica of each, Debian's redis-server with cluster mode on
/// and no persistence, formed by <c>redis-cli --cluster create</c>, every node in its own directory under one temp
/// directory. Ready when every node says <c>cluster_state:ok</c> with all 16384 slots covered and every replica is in
/// sync with its master (so a master killed at once fails over). Starts in about 3 s.
/// </summary>
public sealed class RedisCluster : ITestRedis, IAsyncDisposable
{
    private const int Masters = 3;
    private const int Slots = 16384;
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly List<Node> _nodes = [];

    private RedisCluster(string directory) => _directory = directory;

    /// <summary>The client ports of all six nodes, masters first as they were formed.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Select(node => node.Port)];

    /// <summary>Every node as a seed: the client finds the masters and replicas itself (<c>--redis host:p1,host:p2,...</c>).</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(node => $"127.0.0.1:{node.Port}")) + ",abortConnect=false";

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <summary>Starts six nodes, forms the cluster and waits until it is whole.</summary>
    public static async Task<RedisCluster> StartAsync(CancellationToken cancellationToken)
    {
        var cluster = new RedisCluster(Directory.CreateTempSubdirectory("cmaforigin-redis-cluster-").FullName);
        try
        {
            await cluster.FormAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9 of the node on <paramref name="port"/> (a master, for a failover): no shutdown, connections reset.</summary>
    public async Task KillAsync(int port)
    {
        var node = _nodes.Single(node => node.Port == port);
        await node.KillAsync();
    }

    /// <summary>The client port of the master serving <paramref name="key"/>'s slot now (CLUSTER KEYSLOT, then CLUSTER NODES).</summary>
    public async Task<int> MasterServingAsync(RedisKey key)
    {
        var server = AnyMaster();
        var slot = (int)(long)await server.ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!);
        var node = (await server.ClusterNodesAsync())?.GetBySlot(slot)
            ?? throw new InvalidOperationException($"no node serves slot {slot}");
        return PortOf(node.EndPoint);
    }

    /// <summary>The client ports of the masters now, by CLUSTER NODES.</summary>
    public async Task<IReadOnlyList<int>> MasterPortsAsync()
    {
        var nodes = await AnyMaster().ClusterNodesAsync() ?? throw new InvalidOperationException("CLUSTER NODES answered nothing");
        return [.. nodes.Nodes.Where(node => !node.IsReplica && node.Slots.Count > 0).Select(node => PortOf(node.EndPoint)).Order()];
    }

    /// <summary>How many clients each node has subscribed to <paramref name="channel"/> (PUBSUB NUMSUB), by client port.</summary>
    public async Task<IReadOnlyDictionary<int, long>> SubscribersAsync(string channel)
    {
        var counts = new Dictionary<int, long>();
        foreach (var node in _nodes.Where(node => node.IsRunning))
        {
            var reply = (RedisResult[])(await Connection.GetServer("127.0.0.1", node.Port).ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            counts[node.Port] = (long)reply[1];
        }

        return counts;
    }

    /// <summary>A field of CLUSTER INFO on each running node, by client port (e.g. <c>cluster_stats_messages_publish_received</c>).</summary>
    public async Task<IReadOnlyDictionary<int, long>> ClusterInfoAsync(string field)
    {
        var values = new Dictionary<int, long>();
        foreach (var node in _nodes.Where(node => node.IsRunning))
        {
            var info = (string?)await Connection.GetServer("127.0.0.1", node.Port).ExecuteAsync("CLUSTER", "INFO") ?? string.Empty;
            values[node.Port] = InfoField(info, field) is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
        }

        return values;
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string pattern)
    {
        var keys = new List<string>();
        foreach (var master in Connection.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            keys.AddRange(await KeysAsync(master, pattern));
        }

        return keys;
    }

    /// <summary>Every key matching <paramref name="pattern"/> on the node on <paramref name="port"/> alone.</summary>
    public Task<IReadOnlyList<string>> KeysOnAsync(int port, string pattern) =>
        KeysAsync(Connection.GetServer("127.0.0.1", port), pattern);

    public async Task<long> CommandCallsAsync(string command)
    {
        var prefix = $"cmdstat_{command.ToLowerInvariant()}:calls=";
        long calls = 0;
        foreach (var master in Connection.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            foreach (var line in (await master.InfoRawAsync("commandstats") ?? string.Empty).Split('\n'))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var value = line[prefix.Length..];
                    calls += long.Parse(value[..value.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                }
            }
        }

        return calls;
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.KillAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <remarks>
    /// 1. Start six nodes, each on two free ports (client and cluster bus) below the kernel's ephemeral range.
    /// 2. Form the cluster: the first three become masters with a third of the slots each, the others their replicas.
    /// 3. Wait until every node agrees: state ok, every slot covered, six nodes known, three of them replicas, every
    ///    replica's link up.
    /// 4. Connect the test's own client, which must see three masters and three replicas.
    /// </remarks>
    private async Task FormAsync(CancellationToken cancellationToken)
    {
        // 1. Start
        var taken = new HashSet<int>();
        for (var i = 0; i < Masters * 2; i++)
        {
            _nodes.Add(await StartNodeAsync(taken, cancellationToken));
        }

        // 2. Form
        var (exitCode, output) = await RedisCliAsync(
            ["--cluster", "create", .. _nodes.Select(node => $"127.0.0.1:{node.Port}"), "--cluster-replicas", "1", "--cluster-yes"],
            cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {exitCode}:\n{output}");
        }

        // 3. Agree
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FormTimeout);
        var waiting = new List<string>();
        try
        {
            while (true)
            {
                waiting.Clear();
                foreach (var node in _nodes)
                {
                    if (await NotReadyAsync(node, deadline.Token) is { } why)
                    {
                        waiting.Add($"{node.Port}: {why}");
                    }
                }

                if (waiting.Count == 0)
                {
                    break;
                }

                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the cluster did not form within {FormTimeout.TotalSeconds:0} s: {string.Join("; ", waiting)}");
        }

        // 4. Connect
        Connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",connectTimeout=2000,allowAdmin=true");
        var servers = Connection.GetServers();
        if (servers.Length != Masters * 2 || servers.Count(server => server.IsReplica) != Masters || servers.Any(server => !server.IsConnected))
        {
            throw new InvalidOperationException(
                $"the client sees {string.Join(", ", servers.Select(server => $"{server.EndPoint} {(server.IsReplica ? "replica" : "master")}{(server.IsConnected ? string.Empty : " (down)")}"))}");
        }
    }

    /// <summary>Why <paramref name="node"/> is not ready yet, or null when it is.</summary>
    private static async Task<string?> NotReadyAsync(Node node, CancellationToken cancellationToken)
    {
        var (_, cluster) = await RedisCliAsync(["-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "INFO"], cancellationToken);
        if (InfoField(cluster, "cluster_state") != "ok"
            || InfoField(cluster, "cluster_slots_ok") != Slots.ToString(CultureInfo.InvariantCulture)
            || InfoField(cluster, "cluster_known_nodes") != (Masters * 2).ToString(CultureInfo.InvariantCulture))
        {
            return $"state {InfoField(cluster, "cluster_state")}, {InfoField(cluster, "cluster_slots_ok")} slots ok, {InfoField(cluster, "cluster_known_nodes")} nodes known";
        }

        // Its view of the others: a replica is known as one everywhere only a moment after it was told whom to follow.
        var (_, nodes) = await RedisCliAsync(["-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "NODES"], cancellationToken);
        var replicas = nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.Split(' ')[2].Contains("slave", StringComparison.Ordinal));
        if (replicas != Masters)
        {
            return $"{replicas} replicas known";
        }

        var (_, replication) = await RedisCliAsync(["-p", node.Port.ToString(CultureInfo.InvariantCulture), "INFO", "replication"], cancellationToken);
        return InfoField(replication, "role") switch
        {
            "master" when InfoField(replication, "connected_slaves") == "1" => null,
            "slave" when InfoField(replication, "master_link_status") == "up" => null,
            var role => $"{role}, replication not in sync yet",
        };
    }

    /// <summary>Starts one node on fresh ports; again on others if a port was taken between the pick and redis-server's bind.</summary>
    private async Task<Node> StartNodeAsync(HashSet<int> taken, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = new Node(Pick(taken), Pick(taken), _directory);
            node.Start();
            if (await node.WaitUntilListeningAsync(cancellationToken))
            {
                return node;
            }

            await node.KillAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server on port {node.Port} (bus {node.BusPort}) exited:\n{node.Log}");
            }
        }
    }

    private static int Pick(HashSet<int> taken)
    {
        while (true)
        {
            var port = AppHost.FreePort.Pick();
            if (taken.Add(port))
            {
                return port;
            }
        }
    }

    private static async Task<IReadOnlyList<string>> KeysAsync(IServer server, string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    private IServer AnyMaster() =>
        Connection.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica)
        ?? throw new InvalidOperationException("no master is connected");

    private static int PortOf(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => throw new InvalidOperationException($"unexpected endpoint {endPoint}"),
    };

    /// <summary>The value of <c>name:value</c> in an INFO-style reply, or null.</summary>
    private static string? InfoField(string info, string name)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }

    private static async Task<(int ExitCode, string Output)> RedisCliAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-h");
        start.ArgumentList.Add("127.0.0.1");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("redis-cli is not installed: apt-get install -y redis-server", ex);
        }

        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken).WaitAsync(FormTimeout, cancellationToken);
                return (process.ExitCode, await output + await error);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
        }
    }

    /// <summary>One redis-server of the cluster, in its own directory (its nodes.conf).</summary>
    private sealed class Node(int port, int busPort, string clusterDirectory)
    {
        private const int KeptLines = 50;
        private readonly Queue<string> _log = new();
        private readonly Lock _gate = new();
        private Process? _process;

        public int Port { get; } = port;

        public int BusPort { get; } = busPort;

        public bool IsRunning => _process is { HasExited: false };

        public string Log
        {
            get
            {
                lock (_gate)
                {
                    return string.Join('\n', _log);
                }
            }
        }

        public void Start()
        {
            var directory = Directory.CreateDirectory(Path.Combine(clusterDirectory, Port.ToString(CultureInfo.InvariantCulture))).FullName;
            var start = new ProcessStartInfo("redis-server")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", directory,
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                // The bus on a port of its own: the default (port + 10000) may be taken, or past 65535.
                "--cluster-port", BusPort.ToString(CultureInfo.InvariantCulture),
                "--save", "", "--appendonly", "no",
                // A replica's first sync at once, not after the default 5 s wait for more replicas.
                "--repl-diskless-sync-delay", "0",
            })
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
            }
            catch (Win32Exception ex)
            {
                throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server", ex);
            }

            _process.OutputDataReceived += (_, line) => Keep(line.Data);
            _process.ErrorDataReceived += (_, line) => Keep(line.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>True once it accepts connections; false when it exited first (a port taken).</summary>
        public async Task<bool> WaitUntilListeningAsync(CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (!IsRunning)
                {
                    return false;
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                    return true;
                }
                catch (SocketException)
                {
                    await Task.Delay(20, cancellationToken);
                }
            }

            return false;
        }

        public async Task KillAsync()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process?.Dispose();
            _process = null;
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _log.Enqueue(line);
                if (_log.Count > KeptLines)
                {
                    _log.Dequeue();
                }
            }
        }
    }
}
