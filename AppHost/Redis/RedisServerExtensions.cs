using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.AppHost.Redis;

/// <summary><c>builder.AddRedisServer("redis")</c>: the origin's bus and store, started by Aspire like any executable.</summary>
internal static class RedisServerExtensions
{
    /// <summary>
    /// A throw-away redis-server on a free loopback port, with no persistence (the origin keeps a live window, not history).
    /// </summary>
    /// <exception cref="AppHostException">redis-server is not installed.</exception>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var command = Executable.Require("redis-server", "redis-server");
        // Not proxied: every chunk of every viewer is a Redis round trip, which a proxy hop would lengthen.
        // Aspire allocates ports only for proxied endpoints, so the AppHost picks this one.
        var port = FreePort.Pick();
        var healthCheckKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new RedisPingHealthCheck(port));

        var redis = new RedisServerResource(name, command, Path.GetTempPath());
        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, name: RedisServerResource.EndpointName, isProxied: false)
            .WithArgs(
                "--bind", "127.0.0.1",
                "--port", port.ToString(CultureInfo.InvariantCulture),
                // "" switches RDB snapshots off; appendonly no, the log: nothing is written to disk.
                "--save", string.Empty,
                "--appendonly", "no")
            .WithHealthCheck(healthCheckKey);
    }
}
