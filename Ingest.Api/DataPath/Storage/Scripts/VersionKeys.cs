using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>The keys of one version of a path and of the path's channel: what the scripts on a version declare.</summary>
internal sealed record VersionKeys(RedisKey Current, RedisKey Versions, RedisKey Meta, RedisKey Chunks, RedisKey Channel, RedisKey Activity)
{
    public static VersionKeys Of(ObjectKeys keys, ObjectPath path, string version) => new(
        keys.Current(path),
        keys.Versions(path),
        keys.Meta(path, version),
        keys.Chunks(path, version),
        keys.Channel(path.Channel),
        keys.ChannelActivity(path.Channel));
}
