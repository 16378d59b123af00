using CmafOrigin.Contracts.Paths;
using StackExchange.Redis;

namespace CmafOrigin.Contracts.Storage;

/// <summary>
/// Where an object lives on Redis. Every key of one channel carries the channel as its hash tag,
/// so a channel is one Redis Cluster slot and the scripts that touch several of its keys stay legal.
/// </summary>
/// <remarks>
/// <code>
/// {prefix}:{live/demo}:out.mpd:current           string  id of the current version
/// {prefix}:{live/demo}:out.mpd:versions          zset    every version still stored, scored by its expiry (Unix ms)
/// {prefix}:{live/demo}:out.mpd:{version}:meta    hash    type, state, size, chunks, timestamps, prev, trace
/// {prefix}:{live/demo}:out.mpd:{version}:chunks  stream  one entry per received piece, then an end or abort marker
/// {prefix}:events                                pub/sub ObjectEvent wake-ups for every object
/// {prefix}:manifests                             zset    manifest paths scored by their last completed upload (Unix ms)
/// </code>
/// Path characters never include ':' or braces, so keys are unambiguous.
/// </remarks>
public sealed class ObjectKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public RedisChannel Events { get; } = RedisChannel.Literal($"{prefix}:events");

    /// <summary>Every live manifest, by when it was last replaced: how a player finds what is on the air.</summary>
    public RedisKey Manifests { get; } = $"{prefix}:manifests";

    public RedisKey Current(ObjectPath path) => $"{Base(path)}:current";

    public RedisKey Versions(ObjectPath path) => $"{Base(path)}:versions";

    public RedisKey Meta(ObjectPath path, string version) => $"{Base(path)}:{version}:meta";

    public RedisKey Chunks(ObjectPath path, string version) => $"{Base(path)}:{version}:chunks";

    /// <summary>A pattern matching every key of every object, for tests and tooling (SCAN).</summary>
    public string AllKeysPattern => $"{Prefix}:{{*";

    private string Base(ObjectPath path) =>
        $"{Prefix}:{{{(path.Channel.Length == 0 ? "/" : path.Channel)}}}:{path.Name}";
}
