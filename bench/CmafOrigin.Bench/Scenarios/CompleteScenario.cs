using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CmafOrigin.Bench.Load;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// GET throughput of one completed 1 MiB segment at 64 connections: Delivery (from its memory cache, after
/// resolving the current version on Redis per request) against nginx serving the same bytes from disk (sendfile),
/// alternating in the same run so both see the same machine.
/// </summary>
internal static class CompleteScenario
{
    public const int Connections = 64;
    public const int BodyBytes = 1024 * 1024;
    private const string SegmentPath = "/live/complete/chunk-stream0-00001.m4s";

    public static async Task<ScenarioResult> RunAsync(StreamRecording recording, BenchSettings settings, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(settings.CacheDirectory, "logs", "complete");
        Console.WriteLine($"[complete] starting redis-server, Ingest.Api, Delivery.Api and nginx (logs: {logs})");
        // Retention longer than the run, so the segment cannot expire under the load (the default is 2 min).
        await using var origin = await OriginStack.StartAsync(logs, new Dictionary<string, string>(Profiler.Environment(settings)) { ["Ingest__CompletedRetention"] = "00:30:00" }, settings.Archive, cancellationToken);
        await using var nginx = NginxServer.Create();

        // Real media bytes: the recording's top rendition, cut at 1 MiB.
        var body = recording.Renditions[0].Segments.SelectMany(s => s.Bytes).Take(BodyBytes).ToArray();
        await using (var uploader = new ChunkedUploader(origin.IngestUri.Host, origin.IngestUri.Port))
        {
            var status = await uploader.PutWholeAsync(SegmentPath, body, cancellationToken);
            if (status != 201)
            {
                throw new InvalidOperationException($"Ingest answered {status} to the 1 MiB upload");
            }
        }

        nginx.AddFile(SegmentPath.TrimStart('/'), body);
        await nginx.StartAsync(logs, cancellationToken);

        var deliveryTarget = new Target("delivery", new Uri(origin.DeliveryUri, SegmentPath), () => [origin.Ingest.Pid, origin.Delivery.Pid, origin.Redis.Pid]);
        var nginxTarget = new Target("nginx", new Uri(nginx.Uri, SegmentPath), () => nginx.Pids);
        foreach (var target in new[] { deliveryTarget, nginxTarget })
        {
            using var check = new HttpClient();
            var got = await check.GetByteArrayAsync(target.Uri, cancellationToken);
            if (!got.AsSpan().SequenceEqual(body))
            {
                throw new InvalidOperationException($"{target.Name} does not serve the uploaded bytes");
            }
        }

        var errors = new ErrorCounts();
        var loadTool = new CpuMeter(() => [Environment.ProcessId]);
        var machineStart = ProcStats.MachineJiffies();
        var round = settings.CompleteSeconds;
        Console.WriteLine($"[complete] {Connections} connections, 1 MiB body, 2 rounds of {round.TotalSeconds:0} s per server after {settings.CompleteWarmup.TotalSeconds:0} s warm-up each");
        foreach (var target in new[] { deliveryTarget, nginxTarget })
        {
            await target.LoadAsync(settings.CompleteWarmup, errors, measure: false, cancellationToken);
        }

        var profiling = Profiler.RunAsync("complete", origin, settings, cancellationToken);
        loadTool.Start();
        var monitor = new LoadToolMonitor();
        await RedisCommandStats.ResetAsync(origin.Connection);
        for (var i = 0; i < 2; i++)
        {
            foreach (var target in new[] { deliveryTarget, nginxTarget })
            {
                await target.LoadAsync(round, errors, measure: true, cancellationToken);
                Console.WriteLine($"[complete]   {target.Name}: {target.Requests / target.Seconds:0} requests/s so far");
            }
        }

        var machineEnd = ProcStats.MachineJiffies();
        await profiling;
        var redisCommands = await RedisCommandStats.ReadAsync(origin.Connection);
        await monitor.DisposeAsync();
        var delivery = deliveryTarget.Latency.Summarize();
        var deliveryRps = deliveryTarget.Requests / deliveryTarget.Seconds;
        var nginxRps = nginxTarget.Requests / nginxTarget.Seconds;
        var ratio = deliveryRps / nginxRps;
        var cpu = new Dictionary<string, double>
        {
            ["ingest"] = Math.Round(deliveryTarget.CpuByPid.GetValueOrDefault(origin.Ingest.Pid), 2),
            ["delivery"] = Math.Round(deliveryTarget.CpuByPid.GetValueOrDefault(origin.Delivery.Pid), 2),
            ["redis"] = Math.Round(deliveryTarget.CpuByPid.GetValueOrDefault(origin.Redis.Pid), 2),
            ["nginx"] = Math.Round(nginxTarget.CpuByPid.Values.Sum(), 2),
            ["load_tool"] = Math.Round(loadTool.Elapsed(), 2),
        };
        var result = new ScenarioResult
        {
            Scenario = "complete",
            Description = "GET of a completed 1 MiB segment, 64 connections, Delivery vs nginx (sendfile) alternating, 2 rounds each",
            RanAt = DateTimeOffset.UtcNow,
            Viewers = Connections,
            Uploads = 1,
            DurationS = Math.Round(deliveryTarget.Seconds + nginxTarget.Seconds, 1),
            Headline = delivery,
            Errors = errors.Total,
            ErrorKinds = errors.ByKind,
            ErrorExamples = errors.Examples,
            DeliveryRssMb = Math.Round(ProcStats.StatusMiB(origin.Delivery.Pid, "VmHWM"), 1),
            IngestRssMb = Math.Round(ProcStats.StatusMiB(origin.Ingest.Pid, "VmHWM"), 1),
            RedisRssMb = Math.Round(ProcStats.StatusMiB(origin.Redis.Pid, "VmHWM"), 1),
            CpuS = Math.Round(cpu["ingest"] + cpu["delivery"] + cpu["redis"], 2),
            CpuBreakdownS = cpu,
            MachineBusyPercent = Math.Round((machineEnd.Busy - machineStart.Busy) * 100.0 / Math.Max(1, machineEnd.Total - machineStart.Total), 1),
            RedisCommands = redisCommands,
            LoadToolLagMs = monitor.LagMs.Summarize(),
            LoadToolMaxPendingWorkItems = monitor.MaxPendingWorkItems,
            RequestsPerSecond = Math.Round(deliveryRps, 1),
            NginxRequestsPerSecond = Math.Round(nginxRps, 1),
            RatioToNginx = Math.Round(ratio, 3),
            NginxLatencyMs = nginxTarget.Latency.Summarize(),
            NginxRssMb = Math.Round(nginx.Pids.Sum(pid => ProcStats.StatusMiB(pid, "VmHWM")), 1),
            NginxCpuS = cpu["nginx"],
            DeliveredMbitS = Math.Round(deliveryTarget.Requests * (double)BodyBytes * 8 / deliveryTarget.Seconds / 1e6, 1),
            Target = "requests/s ≥ 0.5 × nginx",
            TargetMet = ratio >= 0.5 && errors.Total == 0,
            Notes = "p50/p99/max are per-request latencies of Delivery (request sent → last body byte); nginx's are in nginx_latency_ms.",
            Recording = recording.Source,
        };
        return result;
    }

    /// <summary>One server under the GET load: its URL, processes, and what the measured rounds added up to.</summary>
    private sealed class Target(string name, Uri uri, Func<IEnumerable<int>> pids)
    {
        public string Name { get; } = name;

        public Uri Uri { get; } = uri;

        public long Requests { get; private set; }

        public double Seconds { get; private set; }

        public Samples Latency { get; } = new();

        public Dictionary<int, double> CpuByPid { get; } = [];

        public async Task LoadAsync(TimeSpan duration, ErrorCounts errors, bool measure, CancellationToken cancellationToken)
        {
            var before = pids().ToDictionary(pid => pid, ProcStats.CpuSeconds);
            var watch = Stopwatch.StartNew();
            var deadline = BenchClock.Now + BenchClock.Ticks(duration);
            var counts = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(() => LoopAsync(deadline, errors, measure, cancellationToken), cancellationToken)));
            var elapsed = watch.Elapsed.TotalSeconds;
            if (!measure)
            {
                return;
            }

            foreach (var pid in pids())
            {
                CpuByPid[pid] = CpuByPid.GetValueOrDefault(pid) + ProcStats.CpuSeconds(pid) - before.GetValueOrDefault(pid);
            }

            Requests += counts.Sum();
            Seconds += elapsed;
        }

        private async Task<long> LoopAsync(long deadline, ErrorCounts errors, bool measure, CancellationToken cancellationToken)
        {
            using var client = new DiscardingGetClient(Uri.Host, Uri.Port, Uri.AbsolutePath);
            long requests = 0;
            var latencies = new List<double>();
            while (BenchClock.Now < deadline && !cancellationToken.IsCancellationRequested)
            {
                var started = BenchClock.Now;
                try
                {
                    var (status, bytes) = await client.GetAsync(cancellationToken);
                    if (status != 200)
                    {
                        errors.Add($"{Name}_status_{status.ToString(CultureInfo.InvariantCulture)}");
                        continue;
                    }

                    if (bytes != BodyBytes)
                    {
                        errors.Add($"{Name}_truncated", $"{bytes} bytes");
                        continue;
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
                {
                    errors.Add($"{Name}_exception", ex.Message);
                    continue;
                }

                requests++;
                latencies.Add(BenchClock.Milliseconds(started, BenchClock.Now));
            }

            if (measure)
            {
                Latency.AddRange(latencies);
            }

            return requests;
        }
    }
}
