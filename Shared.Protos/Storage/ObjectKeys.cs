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
/// {prefix}:{live/demo}:@channel                  hash    the channel's state (started, last activity, init segments kept alive, ...)
/// {prefix}:{live/demo}:@activity                 stream  ChannelEvent entries, newest last, capped; the archive's queue (group "archive")
/// {prefix}:{live/demo}:@archive-writer           string  the Archive.Worker that archives the channel, with a TTL (its lease)
/// {prefix}:{live/demo}:@deleted-inits            hash    init segment name → the version the encoder DELETEd, with a TTL (never put back)
/// {prefix}:channel-events                        pub/sub ChannelEvent for every channel, for WatchChannels
/// {prefix}:{@delivery}:instances                 zset    Delivery instance ids scored by when their report expires (Unix ms)
/// {prefix}:{@delivery}:instance:{id}             string  that instance's DeliveryInstanceReport, with a TTL
/// </code>
/// Path characters never include ':', '@' or braces, so keys are unambiguous: a name starting with '@'
/// is never an object's.
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

    /// <summary>ChannelEvent for every channel as it happens (what WatchChannels streams).</summary>
    public RedisChannel ChannelEvents { get; } = RedisChannel.Literal($"{prefix}:channel-events");

    /// <summary>Every Delivery instance that reported, scored by when its report expires.</summary>
    public RedisKey DeliveryInstances { get; } = $"{prefix}:{{@delivery}}:instances";

    public RedisKey Channel(string channel) => $"{ChannelBase(channel)}:@channel";

    public RedisKey ChannelActivity(string channel) => $"{ChannelBase(channel)}:@activity";

    /// <summary>The consumer group on a channel's activity log through which Archive.Worker reads its completed segments.</summary>
    public const string ArchiveGroup = "archive";

    /// <summary>The one Archive.Worker writing the channel's archive: its id, with a TTL it renews (a lease).</summary>
    public RedisKey ChannelArchiveWriter(string channel) => $"{ChannelBase(channel)}:@archive-writer";

    /// <summary>The run publishing the channel: its manifest's start time, where it came from and when (a string).</summary>
    public RedisKey ChannelEncoder(string channel) => $"{ChannelBase(channel)}:@encoder";

    /// <summary>
    /// The init segments the encoder deleted lately: name → the version deleted (a hash, kept one completed retention
    /// past the last), so that no Ingest's copy puts back what the encoder removed through another Ingest.
    /// </summary>
    public RedisKey ChannelDeletedInitSegments(string channel) => $"{ChannelBase(channel)}:@deleted-inits";

    /// <summary>Set while a warning about the channel's encoders was logged lately: one warning a minute, whatever the Ingests.</summary>
    public RedisKey ChannelEncoderWarned(string channel) => $"{ChannelBase(channel)}:@encoder-warned";

    public RedisKey DeliveryReport(string instanceId) => $"{Prefix}:{{@delivery}}:instance:{instanceId}";

    /// <summary>What every key of <paramref name="channel"/> starts with (the root's hash tag is <c>{/}</c>).</summary>
    public string ChannelKeysStart(string channel) => $"{ChannelBase(channel)}:";

    /// <summary>A pattern matching every key of every object, for tests and tooling (SCAN).</summary>
    public string AllKeysPattern => $"{Prefix}:{{*";

    private string Base(ObjectPath path) => $"{ChannelBase(path.Channel)}:{path.Name}";

    private string ChannelBase(string channel) => $"{Prefix}:{{{(channel.Length == 0 ? "/" : channel)}}}";
}
