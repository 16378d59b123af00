namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// One sample of the soak. RSS from /proc (VmRSS); heap = each service's managed heap right after a full GC forced over
/// EventPipe (free space included), live = the bytes that survived that GC, and the memory the GC had committed then; Redis's own <c>used_memory</c> and key count; metric series = lines of each service's /metrics scrape (a
/// tag with unbounded values shows as a count that keeps rising); the archive writer's, with <c>--archive</c>.
/// </summary>
internal sealed record SoakSample(
    double Seconds,
    double IngestRssMb,
    double DeliveryRssMb,
    double RedisRssMb,
    double? IngestHeapMb,
    double? DeliveryHeapMb,
    double RedisUsedMb,
    long RedisKeys,
    double IngestCommittedMb,
    double DeliveryCommittedMb,
    RssParts IngestRss,
    RssParts DeliveryRss,
    int IngestMetricSeries,
    int DeliveryMetricSeries,
    int ChannelsLive,
    int ViewersOpen,
    ArchiveSample? Archive = null,
    double? IngestLiveMb = null,
    double? DeliveryLiveMb = null);
