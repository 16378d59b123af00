using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>One version <see cref="DeleteScript"/> removes: its id and its own keys.</summary>
internal sealed record DeletedVersion(string Version, RedisKey Meta, RedisKey Chunks);
