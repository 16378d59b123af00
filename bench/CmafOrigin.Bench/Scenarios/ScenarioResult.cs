using System.Text.Json;
using System.Text.Json.Serialization;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>What one scenario measured: the row of the results table and bench/results/&lt;scenario&gt;.json.</summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Description { get; init; }

    public required DateTimeOffset RanAt { get; init; }

    public required int Viewers { get; init; }

    public required int Uploads { get; init; }

    public int Channels { get; init; }

    public double DurationS { get; init; }

    /// <summary>Sets the headline columns below (<see cref="P50Ms"/> … <see cref="MaxMs"/>, <see cref="Samples"/>) from one summary.</summary>
    [JsonIgnore]
    public Samples.Summary Headline
    {
        init
        {
            P50Ms = value.P50;
            P90Ms = value.P90;
            P99Ms = value.P99;
            P999Ms = value.P999;
            MaxMs = value.Max;
            Samples = value.Samples;
        }
    }

    /// <summary>The headline latency (live: pass-through per chunk; complete: per request to Delivery), ms.</summary>
    public double? P50Ms { get; init; }

    public double? P90Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? P999Ms { get; init; }

    public double? MaxMs { get; init; }

    public int Samples { get; init; }

    public required int Errors { get; init; }

    public IReadOnlyDictionary<string, int>? ErrorKinds { get; init; }

    public IReadOnlyDictionary<string, string>? ErrorExamples { get; init; }

    /// <summary>Peak RSS of the Delivery instance that peaked highest (per instance: what one machine must hold).</summary>
    public required double DeliveryRssMb { get; init; }

    /// <summary>Delivery instances the viewers were spread over (round robin); 1 unless the scenario scales out.</summary>
    public int DeliveryInstances { get; init; } = 1;

    /// <summary>With several Delivery instances, each one's peak RSS, MB.</summary>
    public IReadOnlyList<double>? DeliveryRssByInstanceMb { get; init; }

    /// <summary>Delivery CPU (all instances) per CMAF chunk written to a viewer in the window, µs.</summary>
    public double? DeliveryCpuUsPerViewerChunk { get; init; }

    /// <summary>fanout-floor: nginx's CPU per chunk written to a viewer, µs (the floor under Delivery's).</summary>
    public double? NginxCpuUsPerViewerChunk { get; init; }

    /// <summary>redis-server CPU per CMAF chunk ingested in the window, µs: what each chunk costs Redis (writes, reads, pub/sub).</summary>
    public double? RedisCpuUsPerChunk { get; init; }

    /// <summary>Redis commands per CMAF chunk ingested in the window, all commands and clients counted.</summary>
    public double? RedisCommandsPerChunk { get; init; }

    public double IngestRssMb { get; init; }

    public double RedisRssMb { get; init; }

    /// <summary>Archive.Worker's peak RSS, with <c>--archive</c>.</summary>
    public double? ArchiveRssMb { get; init; }

    /// <summary>What Archive.Worker archived, with <c>--archive</c> (read once its runs have ended, or after a minute).</summary>
    public ArchiveSummary? Archive { get; init; }

    /// <summary>The writer's own <c>cmaforigin.archive.lag</c> over the whole run: upload completed → bytes on disk, s.</summary>
    public IReadOnlyDictionary<string, double?>? ArchiveLagS { get; init; }

    /// <summary>CPU seconds of Ingest + Delivery + redis-server during the measured window.</summary>
    public required double CpuS { get; init; }

    public IReadOnlyDictionary<string, double>? CpuBreakdownS { get; init; }

    /// <summary>Share of both cores busy during the window (whole machine, load tool included), percent.</summary>
    public double MachineBusyPercent { get; init; }

    /// <summary>How long a work item waited in the load tool's thread pool during the window (probed every 10 ms), ms.</summary>
    public Samples.Summary? LoadToolLagMs { get; init; }

    public long? LoadToolMaxPendingWorkItems { get; init; }

    public Samples.Summary? PassThroughMs { get; init; }

    /// <summary>Pass-through of a segment's first chunk, its middle ones and its last (the one at the segment boundary).</summary>
    public IReadOnlyDictionary<string, Samples.Summary>? PassThroughByPlaceMs { get; init; }

    public Samples.Summary? TtfbMs { get; init; }

    /// <summary>redis-rtt: one Redis round trip through the services' client and through a plain socket.</summary>
    public IReadOnlyDictionary<string, Samples.Summary>? RoundTripMs { get; init; }

    /// <summary>
    /// Upload head sent → STARTED event (seen by the tool's own subscriber): Ingest's part of a request's wait;
    /// STARTED (or the first piece, if later) → response head: Delivery's part.
    /// </summary>
    public IReadOnlyDictionary<string, Samples.Summary>? TtfbSplitMs { get; init; }

    public Samples.Summary? EncoderToIngestMs { get; init; }

    public Samples.Summary? IngestToViewerMs { get; init; }

    public IReadOnlyDictionary<string, double?>? IngestStoreMs { get; init; }

    public IReadOnlyDictionary<string, double?>? DeliveryPassThroughMs { get; init; }

    /// <summary>Each service's .NET runtime during the window: GC, allocation, contention (from its /metrics).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>>? Runtime { get; init; }

    /// <summary>What redis-server ran during the window: calls and server µs per command.</summary>
    public IReadOnlyDictionary<string, RedisCommandStats.CommandStat>? RedisCommands { get; init; }

    public double? DeliveredMbitS { get; init; }

    public double? IngestedMbitS { get; init; }

    public double? RequestsPerSecond { get; init; }

    public double? NginxRequestsPerSecond { get; init; }

    public double? RatioToNginx { get; init; }

    public Samples.Summary? NginxLatencyMs { get; init; }

    public double? NginxRssMb { get; init; }

    public double? NginxCpuS { get; init; }

    /// <summary>The soak scenario's memory samples and slopes.</summary>
    public SoakResult? Soak { get; init; }

    public required string Target { get; init; }

    public required bool TargetMet { get; init; }

    public string? Notes { get; init; }

    public string? Recording { get; init; }

    public static JsonSerializerOptions Json { get; } = new(JsonOptions.Default)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
