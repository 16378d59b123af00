using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Bench.Http;
using CmafOrigin.Bench.Load;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// Does memory stay flat on an origin that runs for weeks? Channels start and stop under names used once, viewers join
/// and leave, an operator's /status page opens and closes, and every few seconds the memory of each process is sampled;
/// the slope after warm-up tells a leak from warm-up.
/// </summary>
/// <remarks>
/// 1. Start redis-server, Ingest and Delivery with their defaults (2 min retention: per-channel state that is dropped
///    when its channel expires reaches its steady state within the warm-up).
/// 2. Channels: <c>--channels</c> slots (default 4), staggered; each runs a channel of <c>--channel-seconds</c> (video at
///    1.2 Mbit/s and audio, manifest re-PUT and ffmpeg's DELETE window), then the next under a new name. Every other
///    channel removes its files at exit, the others just go silent.
/// 3. Viewers: <c>--viewers</c> per channel slot, each joining a live channel at its live edge (manifest, init, the
///    segment being uploaded, then the next ones as they start) for 3–15 segments, then leaving for 0–2 s.
/// 4. Samples every <c>--sample-seconds</c>: RSS of the three processes, each service's heap after a forced full GC
///    (with its free space, and the live bytes alone),
///    Redis's own memory and keys, the number of metric series each service exports; with <c>--archive</c> the same of
///    Archive.Worker, and what it has archived so far.
/// 5. Slopes: least squares over the samples after warm-up, in MB per hour.
/// </remarks>
internal static class SoakScenario
{
    /// <summary>The heap after a full GC may grow by this much per hour at most; the RSS follows the heap and the allocator, too noisy for a target.</summary>
    internal const double HeapSlopeTargetMbPerHour = 2;

    public static async Task<ScenarioResult> RunAsync(StreamRecording recording, BenchSettings settings, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(settings.CacheDirectory, "logs", "soak");
        Console.WriteLine($"[soak] starting redis-server, Ingest.Api, Delivery.Api{(settings.Archive ? ", Archive.Worker" : "")} (logs: {logs})");
        // 1. Origin, with its defaults.
        await using var origin = await OriginStack.StartAsync(logs, Profiler.Environment(settings), settings.Archive, cancellationToken);

        var segmentDuration = recording.SegmentDuration;
        var slots = settings.Channels ?? 4;
        var viewersPerSlot = settings.ViewersPerChannel ?? 8;
        var channelSegments = Math.Max(8, (int)Math.Round(settings.ChannelDuration / segmentDuration));
        var duration = TimeSpan.FromMinutes(settings.SoakMinutes);
        var warmup = TimeSpan.FromMinutes(settings.SoakWarmupMinutes ?? Math.Max(3, settings.SoakMinutes / 3));
        var t0 = BenchClock.Now + BenchClock.Ticks(TimeSpan.FromSeconds(3));
        var end = t0 + BenchClock.Ticks(duration);
        // Video 854x480 at 1.2 Mbit/s and the audio, when the recording has them; else its first rendition.
        int[] streams = recording.Renditions.Count > 3 ? [1, 3] : [0];

        var errors = new ErrorCounts();
        using var viewerHttp = ViewerHttp.Create(idleTimeout: TimeSpan.FromSeconds(30));
        using var deleteHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var metricsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // 2. Channels
        var live = new List<SoakChannel>();
        var liveGate = new Lock();
        var started = 0;
        var segmentsPushed = 0;
        var channelTasks = Enumerable.Range(0, slots).Select(slot => Task.Run(async () =>
        {
            var startAt = t0 + BenchClock.Ticks(segmentDuration * channelSegments * slot / slots);
            // Channels start until the end, so that the last samples see as many as the first: the soak stops them then.
            while (startAt < end && !stop.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref started);
                var name = $"live/soak-{number.ToString("D4", CultureInfo.InvariantCulture)}";
                var channel = new SoakChannel(name, [.. streams.Select(s => new LiveUpload(name, recording.Renditions[s], startAt))], channelSegments, segmentDuration, removeAtExit: number % 2 == 0);
                lock (liveGate)
                {
                    live.Add(channel);
                }

                try
                {
                    await channel.RunAsync(origin, recording.Manifest, deleteHttp, errors, stop.Token);
                }
                finally
                {
                    lock (liveGate)
                    {
                        live.Remove(channel);
                    }

                    Interlocked.Add(ref segmentsPushed, channel.Uploads.Sum(u => u.Sends.Count));
                }

                // The next channel of this slot starts a moment later, under a new name.
                startAt = Math.Max(BenchClock.Now, startAt + BenchClock.Ticks(segmentDuration * channelSegments)) + BenchClock.Ticks(TimeSpan.FromSeconds(2));
            }
        }, stop.Token)).ToList();

        // 3. Viewers, and an operator's status page
        var passThrough = new Samples();
        var sessions = 0;
        var viewersOpen = 0;
        var viewerTasks = Enumerable.Range(0, slots * viewersPerSlot).Select(v => Task.Run(async () =>
        {
            var random = new Random(v);
            await BenchClock.DelayUntilAsync(t0 + BenchClock.Ticks(TimeSpan.FromSeconds(random.NextDouble() * 4)), stop.Token);
            while (!stop.IsCancellationRequested)
            {
                var now = BenchClock.Now;
                SoakChannel? channel;
                lock (liveGate)
                {
                    var joinable = live.Where(c => c.SegmentAt(now) is var at && at >= 1 && at <= c.Segments - 3).ToList();
                    channel = joinable.Count == 0 ? null : joinable[random.Next(joinable.Count)];
                }

                if (channel is null)
                {
                    await Task.Delay(500, stop.Token);
                    continue;
                }

                var first = channel.SegmentAt(now);
                var last = Math.Min(channel.Segments, first + random.Next(3, 16));
                Interlocked.Increment(ref sessions);
                Interlocked.Increment(ref viewersOpen);
                try
                {
                    await FetchManifestAsync(viewerHttp, origin.DeliveryUri, channel.Name, errors, stop.Token);
                    var viewers = channel.Uploads.Select(u => new LiveViewer(viewerHttp, origin.DeliveryUri, u, errors)).ToList();
                    await Task.WhenAll(viewers.Select(viewer => viewer.FollowAsync(first, last, stop.Token)));
                    passThrough.AddRange(PassThrough(viewers, first));
                }
                finally
                {
                    Interlocked.Decrement(ref viewersOpen);
                }

                await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * 2), stop.Token);
            }
        }, stop.Token)).ToList();
        using var statusHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var status = new StatusWatcher(statusHttp, origin.DeliveryUri, openFor: TimeSpan.FromSeconds(60));
        var statusTask = status.RunAsync(stop.Token);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[soak] {settings.SoakMinutes:0.#} min ({warmup.TotalMinutes:0.#} warm-up): {slots} channels at once of {channelSegments} segments of {segmentDuration.TotalSeconds:0.#} s, {slots * viewersPerSlot} viewers coming and going, a sample every {settings.SampleSeconds:0} s"));

        // 4. Samples
        var cpu = origin.CpuMeters();

        foreach (var meter in cpu.Values)
        {
            meter.Start();
        }

        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        await BenchClock.DelayUntilAsync(t0, cancellationToken);
        for (var next = t0; next < end; next += BenchClock.Ticks(TimeSpan.FromSeconds(settings.SampleSeconds)))
        {
            await BenchClock.DelayUntilAsync(next, cancellationToken);
            int channelsLive;
            lock (liveGate)
            {
                channelsLive = live.Count;
            }

            var sample = await SampleAsync(origin, metricsHttp, BenchClock.Milliseconds(t0, BenchClock.Now) / 1000, channelsLive, Volatile.Read(ref viewersOpen), cancellationToken);
            samples.Add(sample);
            var archiveLine = sample.Archive is { } a
                ? string.Create(CultureInfo.InvariantCulture,
                    $"  archive RSS {a.RssMb:0.0} heap {a.HeapMb:0.00} live {a.LiveMb:0.00} (committed {a.CommittedMb:0}, anon {a.Rss.AnonMb:0}, code {a.Rss.ShmemMb:0}) series {a.MetricSeries}, {a.DiskMb:0} MB on disk, {a.Runs} runs ({a.LiveRuns} live), {a.Segments} segments")
                : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[soak] {sample.Seconds,6:0} s  RSS MB ingest {sample.IngestRssMb,6:0.0} delivery {sample.DeliveryRssMb,6:0.0} redis {sample.RedisRssMb,6:0.0}  " +
                $"heap MB ingest {sample.IngestHeapMb,6:0.00} delivery {sample.DeliveryHeapMb,6:0.00} (live {sample.IngestLiveMb:0.00}/{sample.DeliveryLiveMb:0.00}, GC committed {sample.IngestCommittedMb:0}/{sample.DeliveryCommittedMb:0}, anon {sample.IngestRss.AnonMb:0}/{sample.DeliveryRss.AnonMb:0}, code {sample.IngestRss.ShmemMb:0}/{sample.DeliveryRss.ShmemMb:0})  redis used {sample.RedisUsedMb,6:0.0} MB {sample.RedisKeys,5} keys  " +
                $"series {sample.IngestMetricSeries}/{sample.DeliveryMetricSeries}  channels {channelsLive} viewers {sample.ViewersOpen}  errors {errors.Total}{archiveLine}"));
        }

        var elapsed = clock.Elapsed;
        // Errors until now: stopping the channels mid-segment below cuts their viewers off on purpose.
        var errorTotal = errors.Total;
        var errorKinds = errors.ByKind;
        var errorExamples = errors.Examples;
        var cpuSeconds = cpu.ToDictionary(m => m.Key, m => Math.Round(m.Value.Elapsed(), 1));
        await stop.CancelAsync();
        await Task.WhenAll(channelTasks.Concat(viewerTasks).Append(statusTask)).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        // 5. Slopes
        var after = samples.Where(s => s.Seconds >= warmup.TotalSeconds).ToList();
        double SlopeOf(Func<SoakSample, double?> value) =>
            Math.Round(Slope.PerHour([.. after.Where(s => value(s) is not null).Select(s => (s.Seconds / 3600, value(s)!.Value))]), 2);
        var slopes = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["ingest_rss"] = SlopeOf(s => s.IngestRssMb),
            ["ingest_heap"] = SlopeOf(s => s.IngestHeapMb),
            ["delivery_rss"] = SlopeOf(s => s.DeliveryRssMb),
            ["delivery_heap"] = SlopeOf(s => s.DeliveryHeapMb),
            ["ingest_live"] = SlopeOf(s => s.IngestLiveMb),
            ["delivery_live"] = SlopeOf(s => s.DeliveryLiveMb),
            ["ingest_gc_committed"] = SlopeOf(s => s.IngestCommittedMb),
            ["delivery_gc_committed"] = SlopeOf(s => s.DeliveryCommittedMb),
            ["ingest_rss_anon"] = SlopeOf(s => s.IngestRss.AnonMb),
            ["delivery_rss_anon"] = SlopeOf(s => s.DeliveryRss.AnonMb),
            ["ingest_rss_code"] = SlopeOf(s => s.IngestRss.ShmemMb),
            ["delivery_rss_code"] = SlopeOf(s => s.DeliveryRss.ShmemMb),
            ["redis_rss"] = SlopeOf(s => s.RedisRssMb),
            ["redis_used"] = SlopeOf(s => s.RedisUsedMb),
        };
        if (origin.Archive is not null)
        {
            slopes["archive_rss"] = SlopeOf(s => s.Archive?.RssMb);
            slopes["archive_heap"] = SlopeOf(s => s.Archive?.HeapMb);
            slopes["archive_live"] = SlopeOf(s => s.Archive?.LiveMb);
            slopes["archive_gc_committed"] = SlopeOf(s => s.Archive?.CommittedMb);
            slopes["archive_rss_anon"] = SlopeOf(s => s.Archive?.Rss.AnonMb);
            slopes["archive_rss_code"] = SlopeOf(s => s.Archive?.Rss.ShmemMb);
        }

        Console.WriteLine("[soak] slopes after warm-up, MB/h: " + string.Join(", ", slopes.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:0.00}"))));

        // The archive once the last channels' runs have ended (30 s after their last upload) and are finalized.
        ArchiveSummary? archived = null;
        PrometheusHistogram? archiveLag = null;
        if (origin.Archive is not null)
        {
            archived = await origin.ReadArchiveAsync(TimeSpan.FromSeconds(60), cancellationToken) with { SegmentsPushed = segmentsPushed };
            archiveLag = await PrometheusHistogram.ScrapeAsync(metricsHttp, origin.ArchiveUri!, "cmaforigin_archive_lag", cancellationToken);
            Console.WriteLine($"[soak] archive: {archived.Describe()}");
        }

        var summary = passThrough.Summarize();
        var result = new ScenarioResult
        {
            Scenario = "soak",
            Description = $"{started} channels of {channelSegments * segmentDuration.TotalSeconds:0} s, {slots} at once (video 1.2 Mbit/s + audio), {slots * viewersPerSlot} viewers coming and going, /status opened and closed",
            RanAt = DateTimeOffset.UtcNow,
            Viewers = slots * viewersPerSlot,
            Uploads = started * streams.Length,
            Channels = started,
            DurationS = Math.Round(elapsed.TotalSeconds, 1),
            Headline = summary,
            Errors = errorTotal + status.Failures,
            ErrorKinds = errorKinds,
            ErrorExamples = errorExamples,
            DeliveryRssMb = Math.Round(ProcStats.StatusMiB(origin.Delivery.Pid, "VmHWM"), 1),
            IngestRssMb = Math.Round(ProcStats.StatusMiB(origin.Ingest.Pid, "VmHWM"), 1),
            RedisRssMb = Math.Round(ProcStats.StatusMiB(origin.Redis.Pid, "VmHWM"), 1),
            ArchiveRssMb = origin.Archive is null ? null : Math.Round(ProcStats.StatusMiB(origin.Archive.Pid, "VmHWM"), 1),
            Archive = archived,
            Notes = archived is null ? null : "with Archive.Worker archiving every channel (--archive)",
            ArchiveLagS = LiveScenario.Quantiles(archiveLag),
            CpuS = Math.Round(cpuSeconds["ingest"] + cpuSeconds["delivery"] + cpuSeconds["redis"], 1),
            CpuBreakdownS = cpuSeconds,
            PassThroughMs = summary,
            Soak = new SoakResult
            {
                Minutes = settings.SoakMinutes,
                WarmupMinutes = warmup.TotalMinutes,
                ChannelsStarted = started,
                ChannelsAtOnce = slots,
                ViewerSessions = sessions,
                ViewersAtOnce = slots * viewersPerSlot,
                SlopesMbPerHour = slopes,
                Samples = samples,
            },
            Target = string.Create(CultureInfo.InvariantCulture, $"heap after full GC grows ≤ {HeapSlopeTargetMbPerHour} MB/h per service{(origin.Archive is null ? "" : " (archive writer included)")} after warm-up, 0 errors"),
            TargetMet = false,
            Recording = recording.Source,
        };
        return result with
        {
            TargetMet = result.Errors == 0
                && slopes["ingest_heap"] <= HeapSlopeTargetMbPerHour
                && slopes["delivery_heap"] <= HeapSlopeTargetMbPerHour
                && slopes.GetValueOrDefault("archive_heap") <= HeapSlopeTargetMbPerHour,
        };
    }

    private static async Task<SoakSample> SampleAsync(OriginStack origin, HttpClient metrics, double seconds, int channelsLive, int viewersOpen, CancellationToken cancellationToken)
    {
        // Heaps first: each forced GC takes a moment, and the RSS read after it is the one that GC left.
        var ingestHeap = await ManagedHeap.AfterFullGcAsync(origin.Ingest.Pid, cancellationToken);
        var deliveryHeap = await ManagedHeap.AfterFullGcAsync(origin.Delivery.Pid, cancellationToken);
        var server = origin.Connection.GetServer(origin.Connection.GetEndPoints()[0]);
        var memory = (await server.InfoAsync("memory")).SelectMany(g => g).FirstOrDefault(p => p.Key == "used_memory").Value;
        var keys = await server.DatabaseSizeAsync();
        var ingest = await ScrapeAsync(metrics, origin.IngestUri, cancellationToken);
        var delivery = await ScrapeAsync(metrics, origin.DeliveryUri, cancellationToken);
        double Mb(int pid, string field) => Math.Round(ProcStats.StatusMiB(pid, field), 1);
        ArchiveSample? archive = null;
        if (origin.Archive is { } writer)
        {
            var heap = await ManagedHeap.AfterFullGcAsync(writer.Pid, cancellationToken);
            var scrape = await ScrapeAsync(metrics, origin.ArchiveUri!, cancellationToken);
            var disk = ArchiveSummary.Read(origin.ArchiveDirectory!);
            archive = new ArchiveSample(
                Mb(writer.Pid, "VmRSS"),
                heap?.SizeMb,
                heap?.LiveMb,
                scrape.CommittedMb,
                new RssParts(Mb(writer.Pid, "RssAnon"), Mb(writer.Pid, "RssFile"), Mb(writer.Pid, "RssShmem")),
                scrape.Series,
                Math.Round(disk.BytesOnDisk / 1048576.0, 1),
                disk.Runs,
                disk.LiveRuns,
                disk.Segments);
        }

        return new SoakSample(
            Math.Round(seconds, 1),
            Math.Round(ProcStats.StatusMiB(origin.Ingest.Pid, "VmRSS"), 1),
            Math.Round(ProcStats.StatusMiB(origin.Delivery.Pid, "VmRSS"), 1),
            Math.Round(ProcStats.StatusMiB(origin.Redis.Pid, "VmRSS"), 1),
            ingestHeap?.SizeMb,
            deliveryHeap?.SizeMb,
            Math.Round(long.Parse(memory ?? "0", CultureInfo.InvariantCulture) / 1048576.0, 1),
            keys,
            ingest.CommittedMb,
            delivery.CommittedMb,
            new RssParts(Mb(origin.Ingest.Pid, "RssAnon"), Mb(origin.Ingest.Pid, "RssFile"), Mb(origin.Ingest.Pid, "RssShmem")),
            new RssParts(Mb(origin.Delivery.Pid, "RssAnon"), Mb(origin.Delivery.Pid, "RssFile"), Mb(origin.Delivery.Pid, "RssShmem")),
            ingest.Series,
            delivery.Series,
            channelsLive,
            viewersOpen,
            archive,
            ingestHeap?.LiveMb,
            deliveryHeap?.LiveMb);
    }

    /// <summary>
    /// Series in a service's Prometheus scrape (sample lines), and the memory its GC had committed at the last
    /// collection (MB: what of the RSS the managed heap holds); -1 when it could not be read.
    /// </summary>
    private static async Task<(int Series, double CommittedMb)> ScrapeAsync(HttpClient http, Uri service, CancellationToken cancellationToken)
    {
        try
        {
            var lines = (await http.GetStringAsync(new Uri(service, "/metrics"), cancellationToken)).Split('\n');
            var committed = lines.FirstOrDefault(line => line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes", StringComparison.Ordinal));
            var bytes = committed is null ? -1 : double.Parse(committed[(committed.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            return (lines.Count(line => line.Length > 0 && line[0] != '#'), bytes < 0 ? -1 : Math.Round(bytes / 1048576, 1));
        }
        catch (HttpRequestException)
        {
            return (-1, -1);
        }
    }

    private static async Task FetchManifestAsync(HttpClient http, Uri delivery, string channel, ErrorCounts errors, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(delivery, $"/{channel}/out.mpd"), cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"viewer_manifest_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", channel);
            }
        }
        catch (HttpRequestException ex)
        {
            errors.Add("viewer_manifest_exception", ex.Message);
        }
    }

    /// <summary>Pass-through of every chunk after the segment a viewer joined in (whose first chunks it got as backlog).</summary>
    private static IEnumerable<double> PassThrough(IEnumerable<LiveViewer> viewers, int joinedAt)
    {
        foreach (var viewer in viewers)
        {
            foreach (var seen in viewer.Segments.Where(s => s.Number > joinedAt))
            {
                if (!viewer.Upload.Sends.TryGetValue(seen.Number, out var sent))
                {
                    continue;
                }

                var template = viewer.Upload.Template(seen.Number);
                for (var i = 0; i < seen.ChunksReceived.Length; i++)
                {
                    yield return BenchClock.Milliseconds(sent.Chunks[template.MediaChunkLastPiece[i]], seen.ChunksReceived[i]);
                }
            }
        }
    }
}
