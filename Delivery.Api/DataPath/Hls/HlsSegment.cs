using CmafOrigin.Contracts.Cmaf;
namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// One media segment of a rendition as a playlist shows it at one instant: its number (the media sequence number),
/// its parts so far, and whether its upload has ended. Immutable; the follower publishes a new one on every change.
/// </summary>
/// <param name="Name">The segment's object name in the channel (its URI, relative to the playlist).</param>
/// <param name="Bytes">
/// Where its parts' bytes are (shared by every snapshot of the segment); null once the segment is older than the parts
/// a playlist lists, when only its duration is still needed.
/// </param>
internal sealed record HlsSegment(long Number, string Name, IReadOnlyList<CmafPart> Parts, bool Complete, SegmentBytes? Bytes)
{
    public long DecodeTime => Parts.Count > 0 ? Parts[0].DecodeTime : 0;

    /// <summary>The sum of its parts' durations, in the track's timescale.</summary>
    public long Duration => Parts.Sum(part => part.Duration);

    /// <summary>Where the next part starts, in the track's timescale.</summary>
    public long EndTime => Parts.Count > 0 ? Parts[^1].DecodeTime + Parts[^1].Duration : 0;
}
