using System.Collections.Concurrent;

namespace CmafOrigin.Delivery.Reports;

/// <summary>This instance's <see cref="ChannelTally"/> per channel, for the report on Redis.</summary>
internal sealed class DeliveryTallies
{
    /// <summary>Reports a channel may stay idle (no viewer, no byte) before its tally is dropped: channels come and go for weeks.</summary>
    internal const int IdleReportsBeforeRetiring = 30;

    private readonly ConcurrentDictionary<string, ChannelTally> _channels = new(StringComparer.Ordinal);

    /// <summary>Every channel together: viewers and bytes of the whole instance (never retired).</summary>
    public ChannelTally Instance { get; } = new(string.Empty);

    /// <summary>Counts a viewer of <paramref name="channel"/> in; the caller ends it with <see cref="ChannelTally.RemoveViewer"/>.</summary>
    public ChannelTally ViewerStarted(string channel)
    {
        while (true)
        {
            // Allocates only for a channel's first viewer here.
            var tally = _channels.GetOrAdd(channel, static (name, instance) => new ChannelTally(name, instance), Instance);
            if (tally.TryAddViewer())
            {
                return tally;
            }

            // Retired between the lookup and the count: the reporter is removing it, take the next one.
            _channels.TryRemove(new KeyValuePair<string, ChannelTally>(channel, tally));
        }
    }

    /// <summary>The channels counted now, for the reporter.</summary>
    public ICollection<ChannelTally> Channels => _channels.Values;

    /// <summary>Drops a tally that stayed idle, unless a viewer just arrived.</summary>
    public void Retire(ChannelTally tally)
    {
        if (tally.TryRetire())
        {
            _channels.TryRemove(new KeyValuePair<string, ChannelTally>(tally.Channel, tally));
        }
    }
}
