namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// The archive writer's part of a soak sample, measured as the other services are (<see cref="SoakSample"/>), and
/// how much it has archived so far (run.json files, bytes on disk): memory that grows with what is archived shows
/// against it.
/// </summary>
internal sealed record ArchiveSample(
    double RssMb,
    double? HeapMb,
    double? LiveMb,
    double CommittedMb,
    RssParts Rss,
    int MetricSeries,
    double DiskMb,
    int Runs,
    int LiveRuns,
    int Segments);
