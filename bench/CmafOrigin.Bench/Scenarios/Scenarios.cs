namespace CmafOrigin.Bench.Scenarios;

/// <summary>The live scenarios of issue 6 and their targets (2-core machine, load tool included).</summary>
internal static class Scenarios
{
    public static LiveScenarioSpec Live(string name, BenchSettings settings)
    {
        var spec = name switch
        {
            "latency" => new LiveScenarioSpec(
                "latency", "1 channel × 3 renditions (3 / 1.2 / 0.6 Mbit/s), 10 viewers", 1, [0, 1, 2], 10,
                "pass-through p50 ≤ 2 ms, p99 ≤ 10 ms",
                r => r.P50Ms <= 2 && r.P99Ms <= 10 && r.Errors == 0),
            "fanout" => new LiveScenarioSpec(
                "fanout", "1 channel at 3 Mbit/s, 1000 viewers", 1, [0], 1000,
                "p99 ≤ 100 ms, 0 errors, Delivery RSS ≤ 400 MB",
                r => r.P99Ms <= 100 && r.Errors == 0 && r.DeliveryRssMb <= 400),
            "ingest" => new LiveScenarioSpec(
                "ingest", "50 channels × 3 renditions (150 uploads, 240 Mbit/s in), 1 viewer per upload", 50, [0, 1, 2], 3,
                "pass-through p99 ≤ 20 ms, 0 errors",
                r => r.P99Ms <= 20 && r.Errors == 0),
            // The two sides of one comparison, run back to back in one command: the same push (LL-HLS needs every rendition of the MPD), N viewers
            // spread over the renditions, LL-HLS (blocking reloads + parts) against LL-DASH (segments read as they arrive).
            "hls" => new LiveScenarioSpec(
                "hls", "1 channel × 3 video renditions + audio, 500 LL-HLS viewers (blocking playlist reload + parts)", 1, [0, 1, 2, 3], 500,
                "0 errors (p50/p99: encoder sent a chunk → a playlist listing its part answered)",
                r => r.Errors == 0,
                HlsViewers: true),
            "hls-dash" => new LiveScenarioSpec(
                "hls-dash", "1 channel × 3 video renditions + audio, 500 LL-DASH viewers (the comparison for hls)", 1, [0, 1, 2, 3], 500,
                "0 errors", r => r.Errors == 0),
            // The fan-out spread over 1, 2 or 3 Delivery instances on the one redis-server (issue 15): on 2 cores with the load
            // tool, no gain in latency is expected; what it measures is CPU per viewer per instance and Redis per chunk.
            "scaleout-1" or "scaleout-2" or "scaleout-3" => new LiveScenarioSpec(
                name, $"1 channel at 3 Mbit/s, 1000 viewers spread over {name[^1]} Delivery instance(s)", 1, [0], 1000,
                "0 errors (CPU per viewer-chunk and Redis per chunk: the scaling model's inputs)",
                r => r.Errors == 0,
                DeliveryInstances: name[^1] - '0'),
            _ => throw new ArgumentException($"unknown scenario {name}"),
        };
        return spec with
        {
            Channels = settings.Channels ?? spec.Channels,
            ViewersPerChannel = settings.ViewersPerChannel ?? spec.ViewersPerChannel,
        };
    }
}
