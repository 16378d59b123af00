using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Storage;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Healing;

/// <summary>
/// The init segments of the channels this process is receiving, kept in memory so that what Redis loses can be put
/// back (<see cref="InitSegmentHealer"/>). Bounded: at most <see cref="MaxChannels"/> channels of at most
/// <see cref="ObjectStore.MaxInitSegments"/> segments of at most <see cref="MaxBytes"/> each, and a channel is
/// forgotten when no upload of it has arrived for <see cref="IngestOptions.CompletedRetention"/> (Redis lets its
/// init segments expire then too), when it is purged, and each segment when it is DELETEd.
/// </summary>
internal sealed class InitSegmentCopies(TimeProvider time, IOptions<IngestOptions> options)
{
    internal const int MaxChannels = 1024;

    /// <summary>Largest init segment kept; a bigger one is not an init segment of a stream we know how to heal.</summary>
    internal const int MaxBytes = 256 * 1024;

    /// <summary>How often one channel is checked on Redis at most, whatever the rate of its uploads.</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HeldChannel> _channels = new(StringComparer.Ordinal);
    private readonly TimeSpan _quietAfter = options.Value.CompletedRetention;
    private DateTimeOffset _nextSweep;

    /// <summary>Channels held now.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_gate)
            {
                return _channels.Count;
            }
        }
    }

    /// <summary>An upload of <paramref name="channel"/> arrived (whether or not Redis could take it): the channel is still pushed.</summary>
    public void Touch(string channel)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_channels.TryGetValue(channel, out var held))
            {
                held.LastUpload = now;
            }

            SweepIfDue(now);
        }
    }

    /// <summary>Keeps <paramref name="init"/>, replacing what was held at its path.</summary>
    public void Keep(HeldInitSegment init)
    {
        if (init.Body.Length > MaxBytes)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            var channel = init.Path.Channel;
            if (!_channels.TryGetValue(channel, out var held))
            {
                if (_channels.Count >= MaxChannels)
                {
                    ForgetQuietest();
                }

                held = new HeldChannel();
                _channels[channel] = held;
            }

            held.LastUpload = now;
            if (held.Inits.ContainsKey(init.Path.Name) || held.Inits.Count < ObjectStore.MaxInitSegments)
            {
                held.Inits[init.Path.Name] = init;
            }
        }
    }

    /// <summary>
    /// The path was deleted: its encoder is done with it. With <paramref name="version"/> (a deletion learnt from Redis,
    /// perhaps made through another Ingest) the copy goes only if it is that version, not a newer upload's.
    /// </summary>
    public void Forget(ObjectPath path, string? version = null)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(path.Channel, out var held)
                && held.Inits.TryGetValue(path.Name, out var init)
                && (version is null || init.Version == version))
            {
                held.Inits.Remove(path.Name);
                if (held.Inits.Count == 0)
                {
                    _channels.Remove(path.Channel);
                }
            }
        }
    }

    /// <summary>The channel was purged.</summary>
    public void ForgetChannel(string channel)
    {
        lock (_gate)
        {
            _channels.Remove(channel);
        }
    }

    /// <summary>
    /// The init segments of <paramref name="channel"/> to check on Redis now, or none when it holds none or was checked
    /// less than <see cref="CheckInterval"/> ago (unless <paramref name="force"/>: Redis just came back).
    /// </summary>
    public IReadOnlyList<HeldInitSegment> ToCheck(string channel, bool force = false)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out var held) || IsQuiet(held, now) || (!force && now - held.LastCheck < CheckInterval))
            {
                return [];
            }

            held.LastCheck = now;
            return [.. held.Inits.Values];
        }
    }

    /// <summary>Every channel held and still pushed.</summary>
    public IReadOnlyList<string> Channels()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            return [.. _channels.Where(entry => !IsQuiet(entry.Value, now)).Select(entry => entry.Key)];
        }
    }

    private bool IsQuiet(HeldChannel held, DateTimeOffset now) => now - held.LastUpload > _quietAfter;

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        // A few sweeps per quiet period: a quiet channel's bytes go within about 1.25 of it.
        _nextSweep = now + (_quietAfter / 4);
        foreach (var channel in _channels.Where(entry => IsQuiet(entry.Value, now)).Select(entry => entry.Key).ToList())
        {
            _channels.Remove(channel);
        }
    }

    private void ForgetQuietest()
    {
        var quietest = _channels.MinBy(entry => entry.Value.LastUpload).Key;
        _channels.Remove(quietest);
    }

    private sealed class HeldChannel
    {
        public Dictionary<string, HeldInitSegment> Inits { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset LastUpload { get; set; }

        public DateTimeOffset LastCheck { get; set; } = DateTimeOffset.MinValue;
    }
}
