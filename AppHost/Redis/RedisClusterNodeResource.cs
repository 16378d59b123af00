namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// One redis-server of the cluster, cluster mode on, in a directory of its own (its <c>nodes.conf</c>, kept while
/// the AppHost runs, so a node restarted from the dashboard rejoins as the same node).
/// </summary>
internal sealed class RedisClusterNodeResource(string name, string command, string directory, int port, int busPort)
    : ExecutableResource(name, command, directory)
{
    public const string EndpointName = "tcp";

    /// <summary>The client port, fixed by the AppHost: the nodes tell clients where to go by it (MOVED host:port).</summary>
    public int Port { get; } = port;

    /// <summary>The cluster bus port, named explicitly: the default (port + 10000) may be taken, or past 65535.</summary>
    public int BusPort { get; } = busPort;

    public EndpointReference Endpoint => field ??= new EndpointReference(this, EndpointName);
}
