using StackExchange.Redis;

namespace CmafOrigin.TestSupport;

/// <summary>
/// The Redis a test gives the services: one <see cref="RedisServer"/> or a <see cref="RedisCluster"/>. What a test
/// asks of it does not depend on which (a key is looked for on every master).
/// </summary>
public interface ITestRedis
{
    /// <summary>What the services are given as <c>ConnectionStrings:redis</c>.</summary>
    string ConnectionString { get; }

    /// <summary>A connection for the test itself, to look at what the services stored.</summary>
    IConnectionMultiplexer Connection { get; }

    /// <summary>Every key matching <paramref name="pattern"/>, on every master.</summary>
    Task<IReadOnlyList<string>> KeysAsync(string pattern);

    /// <summary>How many times Redis has run <paramref name="command"/> (INFO commandstats), summed over the masters.</summary>
    Task<long> CommandCallsAsync(string command);
}
