namespace CmafOrigin.AppHost.Redis;

/// <summary>The Redis the services share, as the command line chose it: our own redis-server, our own cluster, or one given.</summary>
internal static class OriginRedisExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddOriginRedis(
        this IDistributedApplicationBuilder builder, string name, RedisChoice choice) =>
        choice switch
        {
            { ConnectionString: { } given } => builder.AddConnectionString(name, ReferenceExpression.Create($"{given}")),
            { Cluster: true } => builder.AddRedisCluster(name),
            _ => builder.AddRedisServer(name),
        };
}
