using System.Diagnostics.Metrics;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Delivery.Storage;

/// <summary>
/// The Redis commands this instance's data path issues, counted where <see cref="ObjectReader"/> makes them: the
/// figure that should grow with the number of Delivery instances and the objects they follow, not with viewers.
/// The total goes into this instance's report (reads per second), each command into
/// <c>cmaforigin.delivery.redis.reads</c> (tag <c>command</c>) for OpenTelemetry.
/// </summary>
internal sealed class RedisReads
{
    private static readonly KeyValuePair<string, object?>[] Tags =
        [.. Enum.GetValues<RedisReadCommand>().Select(command => new KeyValuePair<string, object?>("command", NameOf(command)))];

    private readonly long[] _counts = new long[Tags.Length];
    private readonly Counter<long> _reads;
    private long _total;

    public RedisReads(IMeterFactory meters)
    {
        // The factory hands out the one Delivery meter: this instrument sits next to DeliveryMetrics' own.
        var meter = meters.Create(OriginTelemetry.DeliveryName);
        _reads = meter.CreateCounter<long>(
            "cmaforigin.delivery.redis.reads",
            "{command}",
            "Redis commands issued to serve viewers (lookups, chunk stream reads), tagged command (get, hgetall, pttl, xrange, xread, exists, hget, hmget, zrange)");
    }

    /// <summary>Commands counted since the instance started.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Commands of one kind counted since the instance started.</summary>
    public long CountOf(RedisReadCommand command) => Interlocked.Read(ref _counts[(int)command]);

    /// <summary>One command issued; two interlocked adds and a counter with a tag array made once.</summary>
    public void Count(RedisReadCommand command)
    {
        Interlocked.Increment(ref _counts[(int)command]);
        Interlocked.Increment(ref _total);
        _reads.Add(1, Tags[(int)command]);
    }

    /// <summary>The command's name as Redis's <c>INFO commandstats</c> shows it.</summary>
    public static string NameOf(RedisReadCommand command) => command switch
    {
        RedisReadCommand.Get => "get",
        RedisReadCommand.HashGetAll => "hgetall",
        RedisReadCommand.TimeToLive => "pttl",
        RedisReadCommand.StreamRange => "xrange",
        RedisReadCommand.StreamRead => "xread",
        RedisReadCommand.Exists => "exists",
        RedisReadCommand.HashGet => "hget",
        RedisReadCommand.HashGetMany => "hmget",
        RedisReadCommand.SortedSetRange => "zrange",
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
