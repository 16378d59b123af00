using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// Forms the cluster from its nodes with CLUSTER commands, or finds it formed: every step looks first, so running it
/// again on nodes at any stage of forming (fresh, half formed, formed) ends in the same cluster.
/// </summary>
/// <remarks>
/// From C#, not <c>redis-cli --cluster create</c>: create refuses nodes that already know each other, so it cannot run
/// again on a formed cluster, and it would add redis-cli to what the AppHost needs. Both take about 2 s from six nodes
/// up to replicas in sync (redis-cli 2.3–3.3 s, these commands 2.0–2.4 s, measured 2026-12-02): the nodes' gossip,
/// paced by the node timeout, sets that pace, not the commands.
/// </remarks>
internal sealed class RedisClusterFormation(RedisClusterResource cluster, TimeProvider time, ILogger logger)
{
    public const int Slots = 16384;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private IReadOnlyList<RedisClusterNodeResource> Nodes => cluster.Nodes;

    /// <remarks>
    /// 1. Formed already (every node ok, knowing all the others): nothing to do.
    /// 2. Claim: each master its third of the slots, each fresh node its own config epoch (as redis-cli does), before
    ///    they meet, so their first gossip carries the slot map and no epoch collision needs resolving.
    /// 3. Meet: the first node meets every other; gossip introduces the rest. Meeting a known node changes nothing.
    /// 4. Follow: each replica, once it knows the master of its slot range, replicates it (unless it already does).
    /// 5. Agree: every node says cluster_state:ok with every slot served and knows every node; every replica's link is up.
    /// </remarks>
    /// <exception cref="TimeoutException">The cluster did not form in time (the message says what was missing).</exception>
    public async Task FormAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var ct = deadline.Token;
        string? waitingFor = "the nodes";
        try
        {
            // 1. Formed already
            if (await WhyNotFormedAsync(ct) is not { } why)
            {
                RedisClusterLog.FormedAlready(logger);
                return;
            }

            RedisClusterLog.Forming(logger, cluster.Masters, Nodes.Count - cluster.Masters, string.Join(", ", Nodes.Select(node => node.Port)), why);

            // 2. Claim
            waitingFor = "slots and epochs to be claimed";
            for (var i = 0; i < Nodes.Count; i++)
            {
                await ClaimAsync(i, ct);
            }

            // 3. Meet
            waitingFor = "the nodes to meet";
            await using (var first = await RespConnection.OpenAsync(Nodes[0].Port, ct))
            {
                foreach (var node in Nodes.Skip(1))
                {
                    await first.CommandAsync(ct, "CLUSTER", "MEET", "127.0.0.1", Text(node.Port), Text(node.BusPort));
                }
            }

            // 4. Follow
            for (var i = cluster.Masters; i < Nodes.Count; i++)
            {
                waitingFor = $"{Nodes[i].Name} to know the master it follows";
                await FollowAsync(i, ct);
            }

            // 5. Agree
            while (await WhyNotFormedAsync(ct) is { } notYet)
            {
                waitingFor = notYet;
                await Task.Delay(Poll, time, ct);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the Redis cluster did not form within {Timeout.TotalSeconds:0} s: waiting for {waitingFor}");
        }
    }

    /// <summary>The first slot and the last of master <paramref name="index"/>'s range, as redis-cli splits them.</summary>
    public static (int First, int Last) SlotRange(int index, int masters) =>
        (index * Slots / masters, ((index + 1) * Slots / masters) - 1);

    private async Task ClaimAsync(int index, CancellationToken ct)
    {
        await using var connection = await RespConnection.OpenAsync(Nodes[index].Port, ct);
        var info = await connection.CommandAsync(ct, "CLUSTER", "INFO");
        var known = await NodeLinesAsync(connection, ct);
        var myself = known.Single(line => line.IsMyself);
        if (index < cluster.Masters)
        {
            var (first, last) = SlotRange(index, cluster.Masters);
            // Nobody it knows serves the range (a replica promoted after a failover would): the range is this master's.
            if (myself.IsMaster && !known.Any(line => line.Serves(first)))
            {
                await connection.CommandAsync(ct, "CLUSTER", "ADDSLOTSRANGE", Text(first), Text(last));
            }
        }

        // Only a node that knows no other may set its epoch; each a different one, so no collision is left to resolve.
        if (known.Count == 1 && RedisInfo.Field(info, "cluster_current_epoch") == "0")
        {
            await connection.CommandAsync(ct, "CLUSTER", "SET-CONFIG-EPOCH", Text(index + 1));
        }
    }

    private async Task FollowAsync(int index, CancellationToken ct)
    {
        var (firstSlot, _) = SlotRange((index - cluster.Masters) % cluster.Masters, cluster.Masters);
        await using var connection = await RespConnection.OpenAsync(Nodes[index].Port, ct);
        while (true)
        {
            var known = await NodeLinesAsync(connection, ct);
            var myself = known.Single(line => line.IsMyself);
            if (myself.IsReplica || myself.Slots.Count > 0)
            {
                // A replica already, or a master serving slots (promoted in a failover): left as it is.
                return;
            }

            if (known.FirstOrDefault(line => line.IsMaster && line.IsSettled && line.Serves(firstSlot)) is { } master)
            {
                await connection.CommandAsync(ct, "CLUSTER", "REPLICATE", master.Id);
                return;
            }

            await Task.Delay(Poll, time, ct);
        }
    }

    /// <summary>Why the cluster is not formed yet, as seen from its nodes; null when it is.</summary>
    private async Task<string?> WhyNotFormedAsync(CancellationToken ct)
    {
        var replicas = Nodes.Count - cluster.Masters;
        foreach (var node in Nodes)
        {
            try
            {
                if (await WhyNotReadyAsync(node, replicas, ct) is { } why)
                {
                    return why;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                return $"{node.Name}: not answering ({ex.Message})";
            }
        }

        return null;
    }

    private async Task<string?> WhyNotReadyAsync(RedisClusterNodeResource node, int replicas, CancellationToken ct)
    {
        await using var connection = await RespConnection.OpenAsync(node.Port, ct);
        var info = await connection.CommandAsync(ct, "CLUSTER", "INFO");
        var state = RedisInfo.Field(info, "cluster_state");
        var slotsOk = RedisInfo.Field(info, "cluster_slots_ok");
        var knownNodes = RedisInfo.Field(info, "cluster_known_nodes");
        if (state != "ok" || slotsOk != Text(Slots) || knownNodes != Text(Nodes.Count))
        {
            return $"{node.Name}: cluster_state {state}, {slotsOk} slots ok, {knownNodes} nodes known";
        }

        var known = await NodeLinesAsync(connection, ct);
        if (known.Count(line => line.IsReplica) != replicas || known.Any(line => !line.IsSettled))
        {
            return $"{node.Name}: {known.Count(line => line.IsReplica)} of {replicas} replicas known";
        }

        if (known.Single(line => line.IsMyself).IsReplica
            && RedisInfo.Field(await connection.CommandAsync(ct, "INFO", "replication"), "master_link_status") != "up")
        {
            return $"{node.Name}: replication link not up yet";
        }

        return null;
    }

    private static async Task<IReadOnlyList<ClusterNodeLine>> NodeLinesAsync(RespConnection connection, CancellationToken ct) =>
        ClusterNodeLine.ParseAll(await connection.CommandAsync(ct, "CLUSTER", "NODES"));

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
