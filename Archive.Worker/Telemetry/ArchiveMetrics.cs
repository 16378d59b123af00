using System.Diagnostics.Metrics;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Archive.Telemetry;

/// <summary>The meter <c>CmafOrigin.Archive</c>: what is archived, how far behind the live edge, and what is lost.</summary>
internal sealed class ArchiveMetrics
{
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _segments;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _lag;

    public ArchiveMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(OriginTelemetry.ArchiveName);
        _segments = meter.CreateCounter<long>("cmaforigin.archive.segments", "{segment}", "Segments appended to an archive file");
        _bytes = meter.CreateCounter<long>("cmaforigin.archive.bytes", "By", "Segment bytes appended to archive files");
        _gaps = meter.CreateCounter<long>("cmaforigin.archive.gaps", "{segment}", "Segments missing from an archive, by reason");
        _failures = meter.CreateCounter<long>("cmaforigin.archive.write_failures", "{failure}", "Archive writes that failed (disk full, permissions): archiving of that run stopped");
        _runs = meter.CreateCounter<long>("cmaforigin.archive.runs", "{run}", "Runs ended, by outcome (final, empty, failed)");
        _lag = meter.CreateHistogram(
            "cmaforigin.archive.lag", "s", "From a segment's upload completing to its bytes being on disk: how far the archive trails the live edge",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
    }

    public void Archived(long bytes, TimeSpan lag)
    {
        _segments.Add(1);
        _bytes.Add(bytes);
        _lag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public void Gap(long segments, string reason) => _gaps.Add(segments, new KeyValuePair<string, object?>("reason", reason));

    public void WriteFailed() => _failures.Add(1);

    public void RunEnded(string outcome) => _runs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
