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
