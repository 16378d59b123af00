using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Storage;

/// <summary>
/// Completed versions ready to serve, kept in memory up to <see cref="DeliveryOptions.CompletedCacheBytes"/>.
/// A version never changes, so an entry can never be stale; whether it is still current (or deleted) is
/// decided by resolving the path on Redis for every request, never by this cache. Viewers asking for the
/// same version at the same moment share one read from Redis.
/// </summary>
internal sealed class CompletedObjectCache(ObjectReader reader, IOptions<DeliveryOptions> options) : IDisposable
{
    private static readonly TimeSpan Unused = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.CompletedCacheBytes });
    private readonly ConcurrentDictionary<(string Path, string Version, string Variant), Task<ServedBody?>> _reading = new();

    /// <summary>
    /// The body of <paramref name="version"/> as served: <paramref name="transform"/> applied to the stored
    /// bytes, once per <paramref name="variant"/> (e.g. a manifest rewritten for one time URL). Null when the
    /// version is no longer (completely) on Redis.
    /// </summary>
    public Task<ServedBody?> GetAsync(ObjectVersion version, string variant, Func<byte[], byte[]> transform)
    {
        var key = (version.Path.Value, version.Version, variant);
        if (_cache.TryGetValue(key, out ServedBody? cached))
        {
            return Task.FromResult(cached);
        }

        return _reading.GetOrAdd(key, _ => ReadAsync(key, version, variant, transform));
    }

    public void Dispose() => _cache.Dispose();

    private async Task<ServedBody?> ReadAsync((string, string, string) key, ObjectVersion version, string variant, Func<byte[], byte[]> transform)
    {
        try
        {
            var stored = await reader.ReadCompletedAsync(version);
            if (stored is null)
            {
                return null;
            }

            var body = new ServedBody(transform(stored), EntityTag(version.Version, variant));
            _cache.Set(key, body, new MemoryCacheEntryOptions
            {
                Size = body.Bytes.Length,
                SlidingExpiration = Unused,
                AbsoluteExpirationRelativeToNow = version.TimeToLive > TimeSpan.Zero ? version.TimeToLive : Unused,
            });
            return body;
        }
        finally
        {
            _reading.TryRemove(key, out _);
        }
    }

    /// <summary>Version ids are unique per upload, so they make strong validators; a variant gets its own.</summary>
    private static string EntityTag(string version, string variant) =>
        variant.Length == 0
            ? $"\"{version}\""
            : $"\"{version}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(variant)))[..8]}\"";
}

/// <summary>What a completed version is served as: its bytes and their entity tag.</summary>
internal sealed record ServedBody(byte[] Bytes, string EntityTag);
