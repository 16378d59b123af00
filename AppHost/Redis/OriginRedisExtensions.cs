namespace CmafOrigin.AppHost.Redis;

/// <summary>The Redis the services share: our own redis-server, or the one given with <c>--redis</c>.</summary>
internal static class OriginRedisExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddOriginRedis(
        this IDistributedApplicationBuilder builder, string name, string? existingConnectionString) =>
        existingConnectionString is { } given
            ? builder.AddConnectionString(name, ReferenceExpression.Create($"{given}"))
            : builder.AddRedisServer(name);
}
