using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>One representation ffmpeg wrote: the track as its MPD describes it, its init segment and its media segments in order.</summary>
public sealed record EncodedTrack(ArchiveTrack Track, byte[] Init, IReadOnlyList<EncodedSegment> Segments)
{
    /// <summary>Seconds from the first segment's decode time to the end of the last one.</summary>
    public double Duration => (double)(Segments[^1].DecodeTime + Segments[^1].Duration - Segments[0].DecodeTime) / Track.Timescale;
}
