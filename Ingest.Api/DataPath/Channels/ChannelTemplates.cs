using System.Collections.Concurrent;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Channels;

/// <summary>
/// The segment templates of a channel's manifest, read from the channel's hash where the Ingest that stored
/// the manifest put them: any Ingest instance can tell the track of any segment.
/// </summary>
/// <remarks>
/// The parsed templates are cached per channel. Channels come and go for weeks, mostly under names never used again,
/// so a channel is dropped from the cache once Redis no longer holds it, or when no upload of it has asked for
/// <see cref="IngestOptions.CompletedRetention"/> (its hash expires from Redis then too).
/// </remarks>
internal sealed class ChannelTemplates(IConnectionMultiplexer redis, ObjectKeys keys, TimeProvider time, IOptions<IngestOptions> options)
{
    /// <summary>A last resort against a burst of new channels within one retention.</summary>
    internal const int MaxChannels = 1024;

    // Parsed once per distinct text; a manifest's templates rarely change during a run.
    private readonly ConcurrentDictionary<string, Parsed> _parsed = new(StringComparer.Ordinal);
    private readonly TimeSpan _unusedFor = options.Value.CompletedRetention;
    private long _nextSweep;

    /// <summary>Channels cached now.</summary>
    public int Count => _parsed.Count;

    public async Task<IReadOnlyList<SegmentTemplate>> GetAsync(string channel) => (await ReadAsync(channel)).Templates;

    /// <summary>The channel's templates as its hash holds them now (one HGET), with the text they were parsed from.</summary>
    public async Task<KnownTemplates> ReadAsync(string channel)
    {
        var text = (string?)await redis.GetDatabase().HashGetAsync(keys.Channel(channel), ChannelFields.Templates);
        var now = time.GetUtcNow();
        SweepIfDue(now);
        if (string.IsNullOrEmpty(text))
        {
            // Expired or purged on Redis (or no manifest yet): nothing of it worth keeping here.
            _parsed.TryRemove(channel, out _);
            return KnownTemplates.None;
        }

        if (_parsed.TryGetValue(channel, out var known) && string.Equals(known.Text, text, StringComparison.Ordinal))
        {
            known.Used(now);
            return known.Templates;
        }

        var templates = new KnownTemplates(text, SegmentTemplate.Deserialize(text));
        if (_parsed.Count >= MaxChannels)
        {
            _parsed.Clear();
        }

        _parsed[channel] = new Parsed(templates, now);
        return templates;
    }

    /// <summary>
    /// The templates last read for the channel, without asking Redis, or null when none are cached. Only for a caller
    /// that has Redis check them in the same step (begin.lua does): a new manifest may have changed them meanwhile.
    /// </summary>
    public KnownTemplates? Cached(string channel)
    {
        if (!_parsed.TryGetValue(channel, out var known))
        {
            return null;
        }

        var now = time.GetUtcNow();
        SweepIfDue(now);
        known.Used(now);
        return known.Templates;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        // A few sweeps per retention, by whichever call finds one due: a channel unused that long goes within about 1.25 of it.
        var due = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweep, (now + (_unusedFor / 4)).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var entry in _parsed)
        {
            if (now - entry.Value.LastUsed > _unusedFor)
            {
                // Only this entry: a channel parsed again meanwhile stays.
                _parsed.TryRemove(entry);
            }
        }
    }

    private sealed class Parsed(KnownTemplates templates, DateTimeOffset at)
    {
        private long _lastUsed = at.UtcTicks;

        public string Text => Templates.Text;

        public KnownTemplates Templates { get; } = templates;

        public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsed), TimeSpan.Zero);

        public void Used(DateTimeOffset at) => Interlocked.Exchange(ref _lastUsed, at.UtcTicks);
    }
}
