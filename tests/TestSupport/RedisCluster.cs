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

    /// <summary>
    /// kill -9 of the master on <paramref name="masterPort"/>, then waits until its replica is promoted (a master serving
    /// its slots) and every running node says <c>cluster_state:ok</c> with all slots covered. The nodes mark the master
    /// failed after the node timeout (2 s here), then its replica wins the election.
    /// </summary>
    public async Task<Failover> FailOverAsync(int masterPort, CancellationToken cancellationToken)
    {
        var before = await NodesAsync(masterPort, cancellationToken);
        var master = before.Single(node => node.Port == masterPort && node.IsMaster);
        var replica = before.Single(node => node.MasterId == master.Id);
        var clock = Stopwatch.StartNew();
        await KillAsync(masterPort);
        var killed = clock.Elapsed;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FormTimeout);
        TimeSpan? promoted = null;
        var waiting = "nothing asked yet";
        try
        {
            while (true)
            {
                if (promoted is null && (await NodesAsync(replica.Port, deadline.Token)).Any(node => node.Port == replica.Port && node.IsMaster && node.Slots > 0))
                {
                    promoted = clock.Elapsed;
                }

                if (promoted is not null)
                {
                    waiting = string.Empty;
                    foreach (var node in _nodes.Where(node => node.IsRunning))
                    {
                        var (_, info) = await RedisCliAsync(["-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "INFO"], deadline.Token);
                        if (InfoField(info, "cluster_state") != "ok" || InfoField(info, "cluster_slots_ok") != Slots.ToString(CultureInfo.InvariantCulture))
                        {
                            waiting += $"{node.Port}: state {InfoField(info, "cluster_state")}, {InfoField(info, "cluster_slots_ok")} slots ok; ";
                        }
                    }

                    if (waiting.Length == 0)
                    {
                        return new Failover(replica.Port, killed, promoted.Value, clock.Elapsed);
                    }
                }
                else
                {
                    waiting = $"replica {replica.Port} not promoted yet";
                }

                await Task.Delay(20, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no failover of {masterPort} within {FormTimeout.TotalSeconds:0} s: {waiting}");
        }
    }

    /// <summary>
    /// Moves <paramref name="slot"/> to the master on <paramref name="targetPort"/> as <c>redis-cli --cluster reshard</c> does:
    /// SETSLOT IMPORTING on the target, MIGRATING on the source, MIGRATE its keys <paramref name="keysPerBatch"/> at a time
    /// (pausing <paramref name="pause"/> between batches, so clients meet the slot half-moved: ASK and TRYAGAIN), then
    /// SETSLOT NODE on both and on every other master. Returns how many keys moved.
    /// </summary>
    public async Task<int> MigrateSlotAsync(int slot, int targetPort, int keysPerBatch, TimeSpan pause, CancellationToken cancellationToken)
    {
        var nodes = await NodesAsync(targetPort, cancellationToken);
        var target = nodes.Single(node => node.Port == targetPort && node.IsMaster);
        var sourcePort = await MasterServingSlotAsync(slot);
        var source = nodes.Single(node => node.Port == sourcePort);
        var slotText = slot.ToString(CultureInfo.InvariantCulture);
        await CliOkAsync(targetPort, ["CLUSTER", "SETSLOT", slotText, "IMPORTING", source.Id], cancellationToken);
        await CliOkAsync(sourcePort, ["CLUSTER", "SETSLOT", slotText, "MIGRATING", target.Id], cancellationToken);
        var moved = 0;
        var sourceServer = Connection.GetServer("127.0.0.1", sourcePort);
        while (true)
        {
            var keys = (RedisResult[])(await sourceServer.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, keysPerBatch))!;
            if (keys.Length == 0)
            {
                break;
            }

            await sourceServer.ExecuteAsync("MIGRATE", ["127.0.0.1", targetPort, "", 0, 5000, "KEYS", .. keys.Select(key => (object)(string)key!)]);
            moved += keys.Length;
            await Task.Delay(pause, cancellationToken);
        }

        // The target first, then the source (which then answers MOVED), then the others, as redis-cli does.
        await CliOkAsync(targetPort, ["CLUSTER", "SETSLOT", slotText, "NODE", target.Id], cancellationToken);
        await CliOkAsync(sourcePort, ["CLUSTER", "SETSLOT", slotText, "NODE", target.Id], cancellationToken);
        foreach (var other in nodes.Where(node => node.IsMaster && node.Port != targetPort && node.Port != sourcePort && _nodes.Any(n => n.Port == node.Port && n.IsRunning)))
        {
            await CliOkAsync(other.Port, ["CLUSTER", "SETSLOT", slotText, "NODE", target.Id], cancellationToken);
        }

        return moved;
    }

    /// <summary>The slot of <paramref name="key"/> (CLUSTER KEYSLOT).</summary>
    public async Task<int> SlotOfAsync(RedisKey key) =>
        (int)(long)await Connection.GetServer("127.0.0.1", _nodes.First(node => node.IsRunning).Port).ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!);

    /// <summary>The client port of the master serving <paramref name="key"/>'s slot now (CLUSTER KEYSLOT, then CLUSTER NODES).</summary>
    public async Task<int> MasterServingAsync(RedisKey key) => await MasterServingSlotAsync(await SlotOfAsync(key));

    /// <summary>The client port of the master serving <paramref name="slot"/> now, as a running node sees it (CLUSTER NODES).</summary>
    public async Task<int> MasterServingSlotAsync(int slot)
    {
        var asked = _nodes.First(node => node.IsRunning).Port;
        return (await NodesAsync(asked, CancellationToken.None)).SingleOrDefault(node => node.IsMaster && node.Serves(slot))?.Port
            ?? throw new InvalidOperationException($"no master serves slot {slot} in the view of {asked}");
    }

    /// <summary>The client ports of the masters now, by CLUSTER NODES (of a running node: right after a failover too).</summary>
    public async Task<IReadOnlyList<int>> MasterPortsAsync() =>
        [.. (await NodesAsync(_nodes.First(node => node.IsRunning).Port, CancellationToken.None)).Where(node => node.IsMaster && node.Slots > 0).Select(node => node.Port).Order()];

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

    /// <summary>
    /// Error replies every running node has sent since it started, by their first word (<c>INFO errorstats</c>:
    /// <c>TRYAGAIN</c>, <c>ASK</c>, <c>MOVED</c>, ...), summed over the nodes.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ErrorRepliesAsync()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in _nodes.Where(node => node.IsRunning))
        {
            var info = await Connection.GetServer("127.0.0.1", node.Port).InfoRawAsync("errorstats") ?? string.Empty;
            foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
            {
                // errorstat_TRYAGAIN:count=3
                if (line.StartsWith("errorstat_", StringComparison.Ordinal) && line.Split(":count=") is [var name, var count])
                {
                    var error = name["errorstat_".Length..];
                    counts[error] = counts.GetValueOrDefault(error) + long.Parse(count, CultureInfo.InvariantCulture);
                }
            }
        }

        return counts;
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string pattern)
    {
        var keys = new List<string>();
        foreach (var master in await MasterPortsAsync())
        {
            keys.AddRange(await KeysAsync(Connection.GetServer("127.0.0.1", master), pattern));
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

    /// <summary>CLUSTER NODES as the node on <paramref name="port"/> sees the cluster.</summary>
    private static async Task<IReadOnlyList<ClusterNode>> NodesAsync(int port, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RedisCliAsync(["-p", port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "NODES"], cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"CLUSTER NODES on {port} failed: {output}");
        }

        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.Contains(' ', StringComparison.Ordinal)).Select(ClusterNode.Parse)];
    }

    private static async Task CliOkAsync(int port, IEnumerable<string> command, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RedisCliAsync(["-p", port.ToString(CultureInfo.InvariantCulture), .. command], cancellationToken);
        if (exitCode != 0 || output.Trim() != "OK")
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} on {port}: {output}");
        }
    }

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
                // A shard without a master must not stop the others (Redis's default stops the whole cluster): see docs/scaling.md.
                "--cluster-require-full-coverage", "no",
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

    /// <summary>Times of a <see cref="FailOverAsync"/>, from just before the kill.</summary>
    /// <param name="NewMasterPort">The promoted replica.</param>
    /// <param name="Killed">When the master was gone (its process reaped).</param>
    /// <param name="Promoted">When the replica said it is a master serving the slots.</param>
    /// <param name="Healthy">When every running node said <c>cluster_state:ok</c> again.</param>
    public sealed record Failover(int NewMasterPort, TimeSpan Killed, TimeSpan Promoted, TimeSpan Healthy);

    /// <summary>One line of CLUSTER NODES.</summary>
    private sealed record ClusterNode(string Id, int Port, bool IsMaster, string? MasterId, IReadOnlyList<(int From, int To)> Ranges)
    {
        public int Slots => Ranges.Sum(range => range.To - range.From + 1);

        public bool Serves(int slot) => Ranges.Any(range => range.From <= slot && slot <= range.To);

        public static ClusterNode Parse(string line)
        {
            var parts = line.Trim().Split(' ');
            var address = parts[1].Split('@')[0];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var flags = parts[2].Split(',');
            var ranges = new List<(int, int)>();
            // Slots from the ninth field: "0-5460", "5461", or "[slot->-id]" / "[slot-<-id]" while one migrates.
            foreach (var slot in parts.Skip(8).Where(slot => !slot.StartsWith('[')))
            {
                var bounds = slot.Split('-');
                ranges.Add((int.Parse(bounds[0], CultureInfo.InvariantCulture), int.Parse(bounds[^1], CultureInfo.InvariantCulture)));
            }

            var isMaster = flags.Contains("master") && !flags.Contains("fail");
            return new ClusterNode(parts[0], port, isMaster, parts[3] == "-" ? null : parts[3], ranges);
        }
    }
}
