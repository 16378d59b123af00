using CmafOrigin.Contracts.Cmaf;
namespace CmafOrigin.Delivery.Hls;

/// <summary>A rendition's segments at one instant, oldest first, and a task that completes at its next change.</summary>
/// <param name="Failure">Why this rendition has no HLS (malformed media), or null.</param>
/// <param name="Ready">The segments before the live edge are read: what is listed no longer depends on when this process began.</param>
internal sealed record RenditionSnapshot(HlsRendition Rendition, CmafTrack Track, IReadOnlyList<HlsSegment> Segments, Task Changed, string? Failure, bool Ready)
{
    /// <summary>The newest segment the playlist lists: one with a part at least.</summary>
    public HlsSegment? Last => Segments.LastOrDefault(segment => segment.Parts.Count > 0);

    /// <summary>Whether the playlist holds part <paramref name="part"/> of segment <paramref name="msn"/> (or, without a part, the whole segment), or anything later.</summary>
    public bool Holds(long msn, int? part)
    {
        foreach (var segment in Segments)
        {
            if (segment.Number > msn && segment.Parts.Count > 0)
            {
                return true;
            }

            if (segment.Number == msn && (part is { } index ? segment.Parts.Count > index : segment.Complete))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The part that starts at <paramref name="decodeTime"/>, with its segment and that segment's bytes.</summary>
    public (HlsSegment Segment, CmafPart Part, SegmentBytes Bytes)? FindPart(long decodeTime)
    {
        foreach (var segment in Segments)
        {
            if (segment.Bytes is not { } bytes)
            {
                // Too old for any playlist to list its parts: its bytes are let go.
                continue;
            }

            foreach (var part in segment.Parts)
            {
                if (part.DecodeTime == decodeTime)
                {
                    return (segment, part, bytes);
                }
            }
        }

        return null;
    }

    /// <summary>Where the next part will start: the end of the last one (in the track's timescale), or null before any.</summary>
    public long? NextPartTime => Segments.LastOrDefault(segment => segment.Parts.Count > 0)?.EndTime;
}
