using System.Collections.Concurrent;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// The channels this process generates LL-HLS for, opened on a viewer's first request (concurrent first requests share
/// one opening) and closed once nobody asked for <see cref="IdleAfter"/>, so an unwatched channel costs nothing.
/// </summary>
internal sealed class HlsChannels : IAsyncDisposable
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FailureKept = TimeSpan.FromSeconds(2);

    private readonly HlsChannelContext _context;
    private readonly ConcurrentDictionary<string, Lazy<Task<Opening>>> _channels = new(StringComparer.Ordinal);
    private readonly ITimer _sweep;

    public HlsChannels(HlsChannelContext context)
    {
        _context = context;
        _sweep = context.Time.CreateTimer(_ => _ = SweepAsync(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    /// <summary>The LL-HLS of the channel whose MPD is <paramref name="manifest"/>, or why there is none.</summary>
    public async Task<(HlsChannel? Channel, string? Error)> GetAsync(ObjectPath manifest)
    {
        while (true)
        {
            var lazy = _channels.GetOrAdd(manifest.Value, _ => new Lazy<Task<Opening>>(() => OpenAsync(manifest)));
            var opening = await lazy.Value;
            if (opening.Channel is { IsStale: false } channel)
            {
                channel.Touch();
                return (channel, null);
            }

            if (opening.Channel is null && _context.Time.GetElapsedTime(opening.At) < FailureKept)
            {
                return (null, opening.Error);
            }

            // A failure kept long enough, or a channel whose encoder restarted: open again.
            if (_channels.TryRemove(KeyValuePair.Create(manifest.Value, lazy)) && opening.Channel is { } stale)
            {
                await stale.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync();
        foreach (var lazy in _channels.Values)
        {
            if (lazy.IsValueCreated && await lazy.Value is { Channel: { } channel })
            {
                await channel.DisposeAsync();
            }
        }

        _channels.Clear();
    }

    private async Task<Opening> OpenAsync(ObjectPath manifest)
    {
        try
        {
            var (channel, error) = await HlsChannel.OpenAsync(_context, manifest);
            if (channel is null)
            {
                HlsLog.Unavailable(_context.Logger, manifest.Value, error!);
            }
            else
            {
                HlsLog.Opened(_context.Logger, manifest.Value, channel.Followers.Count);
            }

            return new Opening(channel, error, _context.Time.GetTimestamp());
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            return new Opening(null, "storage is unavailable", _context.Time.GetTimestamp());
        }
    }

    private async Task SweepAsync()
    {
        foreach (var (key, lazy) in _channels)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result.Channel is { } channel
                && channel.Idle > IdleAfter && _channels.TryRemove(KeyValuePair.Create(key, lazy)))
            {
                HlsLog.Closed(_context.Logger, key, channel.Idle.TotalSeconds);
                await channel.DisposeAsync();
            }
        }
    }

    private sealed record Opening(HlsChannel? Channel, string? Error, long At);
}
