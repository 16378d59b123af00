using System.Globalization;
using System.Net;
using CmafOrigin.Bench.Http;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// The floor under <c>fanout</c>: Debian's nginx serves the same bytes (the top rendition's 0.5 s CMAF chunks, ~184 KiB
/// each, from disk with sendfile) to the same 1000 keep-alive viewers of the same client, all asking at once every
/// chunk duration. What a burst costs there is what the kernel, the loopback and the load tool cost on this machine
/// with no origin logic at all; fanout's latency is judged against it.
/// </summary>
/// <remarks>
/// 1. nginx with one file per CMAF chunk of a recorded segment.
/// 2. Viewers: each waits for the burst's moment, GETs that burst's chunk, reads and checks every byte.
/// 3. Latency per viewer and burst = last byte received − the burst's moment (fanout: − the encoder began sending the
///    chunk); the first bursts are warm-up, as fanout's first segments are.
/// </remarks>
internal static class FanoutFloorScenario
{
    public const int Viewers = 1000;

    public static async Task<ScenarioResult> RunAsync(StreamRecording recording, BenchSettings settings, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(settings.CacheDirectory, "logs", "fanout-floor");
        Directory.CreateDirectory(logs);
        var viewers = settings.ViewersPerChannel ?? Viewers;

        // 1. nginx and the chunks
        var segment = recording.Renditions[0].Segment(2);
        var chunks = new List<byte[]>();
        long from = 0;
        foreach (var end in segment.MediaChunkEnds)
        {
            chunks.Add(segment.Bytes[(int)from..(int)end]);
            from = end;
        }

        await using var nginx = NginxServer.Create();
        for (var i = 0; i < chunks.Count; i++)
        {
            nginx.AddFile(ChunkName(i), chunks[i]);
        }

        Console.WriteLine($"[fanout-floor] starting nginx (logs: {logs})");
        await nginx.StartAsync(logs, cancellationToken);

        var interval = recording.SegmentDuration / chunks.Count;
        var bursts = (int)Math.Round(settings.Duration / interval);
        var warmup = (int)Math.Round(recording.SegmentDuration * settings.WarmupSegments / interval);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[fanout-floor] {viewers} viewers, a burst every {interval.TotalSeconds:0.###} s of chunks of {chunks.Average(c => c.Length) / 1024:0} KiB, {bursts} bursts ({warmup} warm-up)"));

        // 2. Viewers
        var errors = new ErrorCounts();
        using var http = ViewerHttp.Create(idleTimeout: TimeSpan.FromMinutes(5));
        var t0 = BenchClock.Now + BenchClock.Ticks(TimeSpan.FromSeconds(3));
        var latencies = Enumerable.Range(0, viewers).Select(_ => new double[bursts]).ToArray();
        var cpu = new Dictionary<string, CpuMeter>
        {
            ["nginx"] = new(() => nginx.Pids),
            ["load_tool"] = new(() => [Environment.ProcessId]),
        };
        var monitor = new LoadToolMonitor();
        var tasks = Enumerable.Range(0, viewers).Select(v => Task.Run(() => ViewAsync(v), cancellationToken)).ToList();
        await BenchClock.DelayUntilAsync(t0 + BenchClock.Ticks(interval * warmup), cancellationToken);
        foreach (var meter in cpu.Values)
        {
            meter.Start();
        }

        var machineStart = ProcStats.MachineJiffies();
        await Task.WhenAll(tasks);
        var cpuSeconds = cpu.ToDictionary(m => m.Key, m => Math.Round(m.Value.Elapsed(), 2));
        var machineEnd = ProcStats.MachineJiffies();
        await monitor.DisposeAsync();

        // 3. Latency
        var samples = new Samples();
        samples.AddRange(latencies.SelectMany(l => l.Skip(warmup)).Where(ms => ms > 0));
        var summary = samples.Summarize();
        var viewerChunks = (double)viewers * (bursts - warmup);
        return new ScenarioResult
        {
            Scenario = "fanout-floor",
            Description = $"nginx (sendfile) serving fanout's bytes: {viewers} keep-alive viewers ask for a {chunks.Average(c => c.Length) / 1024:0} KiB chunk at once every {interval.TotalSeconds:0.###} s",
            RanAt = DateTimeOffset.UtcNow,
            Viewers = viewers,
            Uploads = 0,
            Channels = 1,
            DurationS = Math.Round((interval * (bursts - warmup)).TotalSeconds, 1),
            Headline = summary,
            Errors = errors.Total,
            ErrorKinds = errors.ByKind,
            ErrorExamples = errors.Examples,
            DeliveryRssMb = 0,
            NginxRssMb = Math.Round(nginx.Pids.Sum(pid => ProcStats.StatusMiB(pid, "VmHWM")), 1),
            NginxCpuS = cpuSeconds["nginx"],
            CpuS = cpuSeconds["nginx"],
            CpuBreakdownS = cpuSeconds,
            NginxCpuUsPerViewerChunk = Math.Round(cpuSeconds["nginx"] * 1e6 / viewerChunks, 1),
            MachineBusyPercent = Math.Round((machineEnd.Busy - machineStart.Busy) * 100.0 / Math.Max(1, machineEnd.Total - machineStart.Total), 1),
            LoadToolLagMs = monitor.LagMs.Summarize(),
            LoadToolMaxPendingWorkItems = monitor.MaxPendingWorkItems,
            PassThroughMs = summary,
            Target = "0 errors (the reference for fanout: its p99 within 1.5× of this one's)",
            TargetMet = errors.Total == 0,
            Notes = "latency = last byte received − the burst's moment; no origin: what the kernel, loopback and load tool cost",
            Recording = recording.Source,
        };

        async Task ViewAsync(int viewer)
        {
            var buffer = new byte[64 * 1024];
            for (var burst = 0; burst < bursts && !cancellationToken.IsCancellationRequested; burst++)
            {
                var moment = t0 + BenchClock.Ticks(interval * burst);
                await BenchClock.DelayUntilAsync(moment, cancellationToken);
                var expected = chunks[burst % chunks.Count];
                try
                {
                    using var response = await http.GetAsync(new Uri(nginx.Uri, ChunkName(burst % chunks.Count)), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        errors.Add($"viewer_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", ChunkName(burst % chunks.Count));
                        continue;
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    var offset = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        if (offset + read > expected.Length || !buffer.AsSpan(0, read).SequenceEqual(expected.AsSpan(offset, read)))
                        {
                            errors.Add("viewer_mismatch", ChunkName(burst % chunks.Count));
                            break;
                        }

                        offset += read;
                    }

                    if (offset == expected.Length)
                    {
                        latencies[viewer][burst] = BenchClock.Milliseconds(moment, BenchClock.Now);
                    }
                    else
                    {
                        errors.Add("viewer_truncated", ChunkName(burst % chunks.Count));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    errors.Add($"viewer_{ex.GetType().Name}", ex.Message);
                }
            }
        }
    }

    private static string ChunkName(int index) => $"live/floor/chunk-{index.ToString(CultureInfo.InvariantCulture)}.m4s";
}
