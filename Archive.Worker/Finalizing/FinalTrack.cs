using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>A finished track file <c>{track}.mp4</c> (patched init, sidx, segments) and what the VOD manifests need of it.</summary>
/// <param name="Track">The track as run.json describes it.</param>
/// <param name="FileName">Its file name in the run directory (<see cref="ArchiveLayout.TrackFile"/>).</param>
/// <param name="FileSize">Bytes of the final file.</param>
/// <param name="Init">The patched init segment, from byte 0.</param>
/// <param name="Index">The sidx box, right after the init.</param>
/// <param name="Timescale">The init segment's (mdhd) timescale, the unit of the decode times.</param>
/// <param name="EarliestTime">The first segment's decode time, in <paramref name="Timescale"/>.</param>
/// <param name="Duration">Seconds from the first segment's decode time to the end of the last one.</param>
/// <param name="Segments">Every segment, in file order.</param>
internal sealed record FinalTrack(
    ArchiveTrack Track,
    string FileName,
    long FileSize,
    ByteRange Init,
    ByteRange Index,
    uint Timescale,
    long EarliestTime,
    double Duration,
    IReadOnlyList<FinalSegment> Segments)
{
    /// <summary>
    /// Bits per second to announce: what the encoder declared (its MPD's @bandwidth), or what the file holds when that
    /// is more (HLS's BANDWIDTH is the peak segment bit rate, and an encoder's rate control overshoots).
    /// </summary>
    public long Bandwidth => Math.Max(Track.Bandwidth, PeakBandwidth);

    /// <summary>
    /// Bits per second of the segment with the highest rate. The last segment does not count: cut short where the
    /// encoder stopped, a few milliseconds of audio would make a 64 kbit/s track look like 250.
    /// </summary>
    public long PeakBandwidth => (long)Math.Ceiling(Segments
        .Take(Segments.Count > 1 ? Segments.Count - 1 : 1)
        .Where(s => s.Seconds > 0)
        .Select(s => s.Range.Length * 8 / s.Seconds)
        .DefaultIfEmpty(0)
        .Max());

    /// <summary>Bits per second over the whole track (never above <see cref="Bandwidth"/>).</summary>
    public long AverageBandwidth => Duration > 0 ? Math.Min(Bandwidth, (long)Math.Ceiling(Segments.Sum(s => s.Range.Length) * 8 / Duration)) : 0;
}
