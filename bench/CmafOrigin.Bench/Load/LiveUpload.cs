using System.Collections.Concurrent;
using System.Globalization;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// One encoder upload stream (a channel's rendition): its paths, and the recorded segment replayed as each segment number
/// (decode times rising from lap to lap, as a live encoder's do).
/// A path is unique per channel, rendition and number, so (path, byte offset) identifies every chunk of the run.
/// </summary>
internal sealed class LiveUpload(string channel, RecordedRendition rendition, long startAt)
{
    public string Channel { get; } = channel;

    public RecordedRendition Rendition { get; } = rendition;

    /// <summary>When segment 1 starts (timestamp of the run's clock); segment n starts (n-1) segment durations later.</summary>
    public long StartAt { get; } = startAt;

    public string InitPath => $"/{Channel}/init-stream{Rendition.Stream.ToString(CultureInfo.InvariantCulture)}.m4s";

    /// <summary>When the encoder sent each segment's head and chunks, by segment number.</summary>
    public ConcurrentDictionary<int, SegmentSends> Sends { get; } = new();

    public string SegmentPath(int number) =>
        $"/{Channel}/chunk-stream{Rendition.Stream.ToString(CultureInfo.InvariantCulture)}-{number.ToString("D5", CultureInfo.InvariantCulture)}.m4s";

    public SegmentTemplate Template(int number) => Rendition.Segment(number);
}
