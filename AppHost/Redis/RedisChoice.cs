namespace CmafOrigin.AppHost.Redis;

/// <summary>Which Redis the origin runs on: a redis-server the AppHost starts (the default), a local cluster it starts (<c>--redis-cluster</c>), or one given (<c>--redis</c>).</summary>
internal sealed record RedisChoice
{
    public static readonly RedisChoice OwnServer = new();

    public static readonly RedisChoice OwnCluster = new() { Cluster = true };

    /// <summary>An existing Redis or Redis Cluster (its nodes as seeds, comma-separated); null to start one.</summary>
    public string? ConnectionString { get; private init; }

    public bool Cluster { get; private init; }

    public static RedisChoice Given(string connectionString) => new() { ConnectionString = connectionString };
}
