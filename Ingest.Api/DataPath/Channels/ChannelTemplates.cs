using System.Collections.Concurrent;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Channels;

/// <summary>
/// The segment templates of a channel's manifest, read from the channel's hash where the Ingest that stored
/// the manifest put them: any Ingest instance can tell the track of any segment.
/// </summary>
internal sealed class ChannelTemplates(IConnectionMultiplexer redis, ObjectKeys keys)
{
    private const int MaxChannels = 1024;

    // Parsed once per distinct text; a manifest's templates rarely change during a run.
    private readonly ConcurrentDictionary<string, (string Text, IReadOnlyList<SegmentTemplate> Templates)> _parsed = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<SegmentTemplate>> GetAsync(string channel)
    {
        var text = (string?)await redis.GetDatabase().HashGetAsync(keys.Channel(channel), ChannelFields.Templates);
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (_parsed.TryGetValue(channel, out var known) && string.Equals(known.Text, text, StringComparison.Ordinal))
        {
            return known.Templates;
        }

        var templates = SegmentTemplate.Deserialize(text);
        if (_parsed.Count >= MaxChannels)
        {
            // Channels come and go over weeks; this is only a cache of what Redis holds.
            _parsed.Clear();
        }

        _parsed[channel] = (text, templates);
        return templates;
    }
}
