using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CmafOrigin.ServiceDefaults;

/// <summary>
/// Registers one shared <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:{name}</c>,
/// the convention of Aspire's Redis client integration, plus a readiness check that pings Redis.
/// </summary>
public static class RedisClientExtensions
{
    /// <summary>How long an attempt to (re)connect to a Redis node may take unless the connection string sets <c>connectTimeout</c>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(1);

    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No Redis connection string: set ConnectionStrings:{connectionName} " +
                $"(environment ConnectionStrings__{connectionName}), e.g. 127.0.0.1:6379.");
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Never give up on Redis: a restart of Redis must heal without restarting the origin.
        options.AbortOnConnectFail = false;
        // While Redis is unreachable, fail each command at once (503, abort) instead of queueing it for the
        // sync timeout: an encoder retries, a player asks again, and nothing waits on a dead connection.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Commands for a node the client is reconnecting to wait for that attempt: bound it (5 s by default), so a
        // Redis Cluster master that died fails its shard's commands within a second, not five, while its replica is
        // promoted (measured in tests/EndToEnd.Tests/Cluster/RedisMasterFailoverTests.cs). A connection string may say otherwise.
        if (!connectionString.Contains("connectTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = (int)DefaultConnectTimeout.TotalMilliseconds;
        }

        options.ClientName ??= builder.Environment.ApplicationName;

        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var connection = ConnectionMultiplexer.Connect(options);
            CountConnectionEvents(connection, services.GetRequiredService<IMeterFactory>());
            return connection;
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ClusterTopologyRefresh>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    /// <summary><c>cmaforigin.redis.connection_failures</c> and <c>cmaforigin.redis.reconnects</c>: how often Redis went away and came back.</summary>
    private static void CountConnectionEvents(ConnectionMultiplexer connection, IMeterFactory meters)
    {
        var meter = meters.Create(OriginTelemetry.RedisName);
        var failures = meter.CreateCounter<long>("cmaforigin.redis.connection_failures", "{failure}", "Connections to Redis that failed or were lost");
        var reconnects = meter.CreateCounter<long>("cmaforigin.redis.reconnects", "{reconnect}", "Connections to Redis restored after a failure");
        connection.ConnectionFailed += (_, _) => failures.Add(1);
        connection.ConnectionRestored += (_, _) => reconnects.Add(1);
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis, TimeProvider time) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), time, cancellationToken);
                return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis is unreachable", ex);
            }
        }
    }
}
