using System.Text;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// The last media playlist written for one rendition, with and without delta update: every viewer a new part wakes
/// asks for the same text at about the same moment, and it is written once for all of them.
/// </summary>
/// <remarks>
/// A playlist depends only on the channel's view, every rendition's state and the skip choice. A rendition's state is
/// named by its snapshot's <see cref="RenditionSnapshot.Changed"/> task, which each change replaces: the same tasks
/// mean the same segments, parts, readiness and failure.
/// </remarks>
internal sealed class MediaPlaylistCache
{
    private readonly Written?[] _last = new Written?[2];

    public byte[] GetOrWrite(HlsChannelView channel, RenditionSnapshot rendition, IReadOnlyList<RenditionSnapshot> all, bool skip)
    {
        var slot = skip ? 1 : 0;
        if (Volatile.Read(ref _last[slot]) is { } last && last.Channel == channel && last.Rendition == rendition.Rendition.Id && SameStates(last.States, all))
        {
            return last.Body;
        }

        var body = Encoding.UTF8.GetBytes(MediaPlaylistWriter.Write(channel, rendition, all, PlaylistTiming.For(all), skip));
        // Two viewers that miss at once both write it; the last one stored wins, and either is right.
        Volatile.Write(ref _last[slot], new Written(channel, rendition.Rendition.Id, [.. all.Select(s => s.Changed)], body));
        return body;
    }

    private static bool SameStates(Task[] states, IReadOnlyList<RenditionSnapshot> all)
    {
        if (states.Length != all.Count)
        {
            return false;
        }

        for (var i = 0; i < states.Length; i++)
        {
            if (!ReferenceEquals(states[i], all[i].Changed))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Written(HlsChannelView Channel, string Rendition, Task[] States, byte[] Body);
}
