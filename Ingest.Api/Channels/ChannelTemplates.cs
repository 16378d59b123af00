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
        _parsed[channel] = (text, templates);
        return templates;
    }
}
