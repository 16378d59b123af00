namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// A Redis Cluster of local redis-servers as one Aspire resource: its connection string is every node as a seed,
/// comma-separated (StackExchange.Redis finds masters, replicas and slots from any of them), so
/// <c>WithReference(redis)</c> gives a service <c>ConnectionStrings__redis</c> as for a single server. It has no
/// process of its own: it waits for its nodes, forms the cluster, and is healthy while the cluster says ok.
/// </summary>
internal sealed class RedisClusterResource(string name, int masters, int replicasPerMaster)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    public int Masters { get; } = masters;

    public int ReplicasPerMaster { get; } = replicasPerMaster;

    private readonly List<RedisClusterNodeResource> _nodes = [];

    /// <summary>Masters first, then their replicas: node <c>Masters + i</c> follows master <c>i % Masters</c>.</summary>
    public IReadOnlyList<RedisClusterNodeResource> Nodes => _nodes;

    public void Add(RedisClusterNodeResource node) => _nodes.Add(node);

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            for (var i = 0; i < Nodes.Count; i++)
            {
                if (i > 0)
                {
                    builder.AppendLiteral(",");
                }

                // 127.0.0.1, not localhost: the address the nodes announce (CLUSTER SLOTS, MOVED), so a client sees
                // one endpoint per node, not a seed and a node for each.
                builder.Append($"127.0.0.1:{Nodes[i].Endpoint.Property(EndpointProperty.Port)}");
            }

            return builder.Build();
        }
    }
}
