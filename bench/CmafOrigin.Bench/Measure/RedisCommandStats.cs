using System.Globalization;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// What redis-server executed during a window (INFO commandstats after CONFIG RESETSTAT): how many calls of each
/// command and the server time they took. Scripts count as one EVALSHA/EVAL plus every command they ran.
/// </summary>
internal static class RedisCommandStats
{
    public static Task ResetAsync(IConnectionMultiplexer connection) =>
        Server(connection).ConfigResetStatisticsAsync();

    /// <summary>Per command: calls and total server microseconds, busiest first.</summary>
    public static async Task<IReadOnlyDictionary<string, CommandStat>> ReadAsync(IConnectionMultiplexer connection)
    {
        var info = await Server(connection).InfoRawAsync("commandstats") ?? string.Empty;
        var stats = new List<(string Name, CommandStat Stat)>();
        foreach (var line in info.Split('\n'))
        {
            // cmdstat_xadd:calls=123,usec=456,usec_per_call=3.71,rejected_calls=0,failed_calls=0
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var fields = line[(colon + 1)..].Trim().Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            stats.Add((line[8..colon], new CommandStat(
                long.Parse(fields["calls"], CultureInfo.InvariantCulture),
                long.Parse(fields["usec"], CultureInfo.InvariantCulture))));
        }

        return stats.OrderByDescending(s => s.Stat.Usec).ToDictionary(s => s.Name, s => s.Stat, StringComparer.Ordinal);
    }

    private static IServer Server(IConnectionMultiplexer connection) => connection.GetServer(connection.GetEndPoints()[0]);

    public sealed record CommandStat(long Calls, long Usec);
}
