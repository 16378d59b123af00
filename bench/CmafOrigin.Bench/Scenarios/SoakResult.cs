namespace CmafOrigin.Bench.Scenarios;

/// <summary>What the soak adds to its <see cref="ScenarioResult"/>: memory over time and how fast it grows after warm-up.</summary>
internal sealed record SoakResult
{
    public required double Minutes { get; init; }

    /// <summary>Samples before this are warm-up (JIT, pools, caches and retention filling up) and left out of the slopes.</summary>
    public required double WarmupMinutes { get; init; }

    public required int ChannelsStarted { get; init; }

    public required int ChannelsAtOnce { get; init; }

    public required int ViewerSessions { get; init; }

    public required int ViewersAtOnce { get; init; }

    /// <summary>Least-squares slope of each series over the samples after warm-up, MB per hour.</summary>
    public required IReadOnlyDictionary<string, double> SlopesMbPerHour { get; init; }

    public required IReadOnlyList<SoakSample> Samples { get; init; }
}

/// <summary>
/// One sample of the soak. RSS from /proc (VmRSS); heap = each service's managed heap right after a full GC forced over
/// EventPipe; Redis's own <c>used_memory</c> and key count; metric series = lines of each service's /metrics scrape (a
/// tag with unbounded values shows as a count that keeps rising).
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
    int IngestMetricSeries,
    int DeliveryMetricSeries,
    int ChannelsLive,
    int ViewersOpen);
