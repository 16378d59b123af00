using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Bench.Http;
using CmafOrigin.Bench.Load;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Recording;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>A live scenario: <see cref="Channels"/> channels × <see cref="Streams"/> renditions uploading, viewers following them.</summary>
internal sealed record LiveScenarioSpec(
    string Name,
    string Description,
    int Channels,
    int[] Streams,
    int ViewersPerChannel,
    string Target,
    Func<ScenarioResult, bool> Met,
    bool HlsViewers = false,
    int DeliveryInstances = 1);

/// <summary>
/// Replays the recording as E concurrent paced uploads and runs V low-latency viewers per channel against a fresh origin,
/// then joins every chunk a viewer received with when the encoder sent it (one clock: this process's Stopwatch).
/// </summary>
/// <remarks>
/// 1. Start redis-server, Ingest and Delivery.
/// 2. Encoders: per upload the init segment, then segments 1..N, each paced like ffmpeg (head at the segment start,
///    chunk i at its recorded offset), channels staggered over one segment duration; per channel the manifest re-PUT
///    every segment and the DELETE of the segment 6 back (window 3 + extra 3), as ffmpeg does.
/// 3. Viewers: spread over 1.5 s before segment 1, then request segment after segment, reading while written.
/// 4. Window: segments after the warm-up; CPU and /metrics histograms sampled at its start and end.
/// 5. Join: pass-through per CMAF chunk (moof+mdat) = viewer got its last byte − encoder started sending the HTTP chunk
///    that carries that byte; TTFB = response head −
///    max(request sent, upload's first piece sent); for the last segments (not yet deleted) the stream entries' <c>t</c> splits it.
/// </remarks>
internal static class LiveScenario
{
    public static async Task<ScenarioResult> RunAsync(LiveScenarioSpec spec, StreamRecording recording, BenchSettings settings, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(settings.CacheDirectory, "logs", spec.Name);
        Console.WriteLine($"[{spec.Name}] starting redis-server, Ingest.Api, Delivery.Api{(settings.Archive ? ", Archive.Worker" : "")} (logs: {logs})");
        // 1. Origin, with its defaults.
        await using var origin = await OriginStack.StartAsync(logs, Profiler.Environment(settings), settings.Archive, cancellationToken, spec.DeliveryInstances);

        var segmentDuration = recording.SegmentDuration;
        var segments = Math.Max(settings.WarmupSegments + 2, (int)Math.Round(settings.Duration / segmentDuration));
        var t0 = BenchClock.Now + BenchClock.Ticks(TimeSpan.FromSeconds(3));
        var uploads = new List<LiveUpload>();
        for (var c = 0; c < spec.Channels; c++)
        {
            var channel = $"live/bench-{c.ToString("D3", CultureInfo.InvariantCulture)}";
            var stagger = BenchClock.Ticks(segmentDuration * c / spec.Channels);
            uploads.AddRange(spec.Streams.Select(s => new LiveUpload(channel, recording.Renditions[s], t0 + stagger)));
        }

        var errors = new ErrorCounts();
        var events = await EventWatcher.StartAsync(origin.Connection);
        using var viewerHttp = ViewerHttp.Create(idleTimeout: TimeSpan.FromMinutes(5));
        using var deleteHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var metricsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // 2. Encoders
        var encoderTasks = uploads.Select(u => RunEncoderAsync(origin, u, segments, segmentDuration, settings.NoHousekeeping ? null : deleteHttp, errors, cancellationToken)).ToList();
        encoderTasks.AddRange(settings.NoHousekeeping ? [] : uploads.GroupBy(u => u.Channel).Select(g => RunManifestAsync(origin, g.First(), segments, segmentDuration, recording.Manifest, errors, cancellationToken)));

        // 3. Viewers
        var viewers = new List<LiveViewer>();
        var hlsViewers = new List<HlsViewer>();
        var viewerTasks = new List<Task>();
        var totalViewers = spec.Channels * spec.ViewersPerChannel;
        foreach (var channel in uploads.GroupBy(u => u.Channel))
        {
            var renditions = channel.ToList();
            for (var v = 0; v < spec.ViewersPerChannel; v++)
            {
                // Round robin over the Delivery instances, as a load balancer would spread them.
                var delivery = origin.Deliveries[(viewers.Count + hlsViewers.Count) % origin.Deliveries.Count].Uri;
                var startAt = renditions[0].StartAt - BenchClock.Ticks(TimeSpan.FromSeconds(2)) + BenchClock.Ticks(TimeSpan.FromSeconds(1.5) * (viewers.Count + hlsViewers.Count) / totalViewers);
                if (spec.HlsViewers)
                {
                    // LL-HLS needs the first segments listed: these viewers start once segment 1 is under way.
                    var hls = new HlsViewer(viewerHttp, delivery, renditions[v % renditions.Count], errors);
                    hlsViewers.Add(hls);
                    viewerTasks.Add(Task.Run(() => hls.RunAsync(startAt + BenchClock.Ticks(segmentDuration * 1.5), segments, cancellationToken), cancellationToken));
                    continue;
                }

                var viewer = new LiveViewer(viewerHttp, delivery, renditions[v % renditions.Count], errors);
                viewers.Add(viewer);
                viewerTasks.Add(Task.Run(() => viewer.RunAsync(startAt, segments, cancellationToken), cancellationToken));
            }
        }

        Console.WriteLine($"[{spec.Name}] {uploads.Count} uploads, {viewers.Count + hlsViewers.Count} viewers, {segments} segments of {segmentDuration.TotalSeconds:0.#} s ({settings.WarmupSegments} warm-up)");

        // 4. Window
        var windowStart = t0 + BenchClock.Ticks(segmentDuration * settings.WarmupSegments);
        var meters = origin.CpuMeters();

        await BenchClock.DelayUntilAsync(windowStart, cancellationToken);
        var windowWatch = Stopwatch.StartNew();
        foreach (var meter in meters.Values)
        {
            meter.Start();
        }

        var machineStart = ProcStats.MachineJiffies();
        await RedisCommandStats.ResetAsync(origin.Connection);
        var storeBefore = await PrometheusHistogram.ScrapeAsync(metricsHttp, origin.IngestUri, "cmaforigin_ingest_store_duration", cancellationToken);
        var passBefore = await ScrapeDeliveriesAsync(metricsHttp, origin, "cmaforigin_delivery_passthrough", cancellationToken);
        var ingestRuntimeBefore = await RuntimeCounters.ScrapeAsync(metricsHttp, origin.IngestUri, cancellationToken);
        var deliveryRuntimeBefore = await RuntimeCounters.ScrapeAsync(metricsHttp, origin.DeliveryUri, cancellationToken);
        var deliveredBefore = viewers.Sum(v => v.BytesReceived) + hlsViewers.Sum(v => v.BytesReceived);
        var profiling = Profiler.RunAsync(spec.Name, origin, settings, cancellationToken);
        var monitor = new LoadToolMonitor();

        await Task.WhenAll(encoderTasks);
        var windowSeconds = windowWatch.Elapsed.TotalSeconds;
        var cpu = meters.ToDictionary(m => m.Key, m => Math.Round(m.Value.Elapsed(), 2));
        var machineEnd = ProcStats.MachineJiffies();
        var redisCommands = await RedisCommandStats.ReadAsync(origin.Connection);
        await monitor.DisposeAsync();
        var storeAfter = await PrometheusHistogram.ScrapeAsync(metricsHttp, origin.IngestUri, "cmaforigin_ingest_store_duration", cancellationToken);
        var passAfter = await ScrapeDeliveriesAsync(metricsHttp, origin, "cmaforigin_delivery_passthrough", cancellationToken);
        var runtime = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        if (await RuntimeCounters.ScrapeAsync(metricsHttp, origin.IngestUri, cancellationToken) is { } ingestRuntime)
        {
            runtime["ingest"] = ingestRuntime.Since(ingestRuntimeBefore);
        }

        if (await RuntimeCounters.ScrapeAsync(metricsHttp, origin.DeliveryUri, cancellationToken) is { } deliveryRuntime)
        {
            runtime["delivery"] = deliveryRuntime.Since(deliveryRuntimeBefore);
        }

        await profiling;

        // Viewers end with the last segment; give stragglers a moment, then stop them.
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await Task.WhenAll(viewerTasks).WaitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                errors.Add("viewer_did_not_finish", $"{viewerTasks.Count(t => !t.IsCompleted)} viewers still running 20 s after the last upload");
            }
        }

        var deliveredBytes = viewers.Sum(v => v.BytesReceived) + hlsViewers.Sum(v => v.BytesReceived) - deliveredBefore;
        var deliveryRss = origin.Deliveries.Select(d => Math.Round(ProcStats.StatusMiB(d.Process.Pid, "VmHWM"), 1)).ToList();
        var rss = new
        {
            Ingest = ProcStats.StatusMiB(origin.Ingest.Pid, "VmHWM"),
            Delivery = deliveryRss.Max(),
            Redis = ProcStats.StatusMiB(origin.Redis.Pid, "VmHWM"),
        };

        var (encoderToIngest, ingestToViewer, ingestTimes) = await SplitAsync(origin, uploads, viewers, segments, settings, cancellationToken);

        // 5. Join (and every segment a viewer received, on the run's clock, for a closer look: segments.csv beside the logs)
        var passThrough = new Samples();
        // By the chunk's place in its segment: the last one shares its moment with the segment's end, the manifest's
        // upload and the next segment's start, so a tail that only the boundary has shows here.
        var passThroughFirst = new Samples();
        var passThroughMiddle = new Samples();
        var passThroughLast = new Samples();
        var ttfb = new Samples();
        var headToStarted = new Samples();
        var startedToHeaders = new Samples();
        await using var csv = new StreamWriter(Path.Combine(logs, "segments.csv"));
        await csv.WriteLineAsync("viewer,path,number,requested_ms,head_sent_ms,first_piece_sent_ms,started_event_ms,headers_ms,chunk_sent_ms,chunk_received_ms,ingest_first_piece_ms,redis_first_piece_ms,ingest_chunk_ms");
        var origin0 = t0;
        string Ms(long timestamp) => BenchClock.Milliseconds(origin0, timestamp).ToString("0.###", CultureInfo.InvariantCulture);
        for (var v = 0; v < viewers.Count; v++)
        {
            var viewer = viewers[v];
            foreach (var seen in viewer.Segments)
            {
                if (viewer.Upload.Sends.TryGetValue(seen.Number, out var sent))
                {
                    var template = viewer.Upload.Template(seen.Number);
                    var ingest = ingestTimes.TryGetValue(seen.Path, out var at)
                        ? $"{Ms(at.FirstPiece)},{Ms(at.FirstPieceOnRedis)},{string.Join(' ', at.Chunks.Select(Ms))}"
                        : ",,";
                    var started = events.Started.TryGetValue(seen.Path, out var e) ? Ms(e) : string.Empty;
                    await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{v},{seen.Path},{seen.Number},{Ms(seen.Requested)},{Ms(sent.HeadSent)},{Ms(sent.Chunks[0])},{started},{Ms(seen.HeadersReceived)}," +
                        $"{string.Join(' ', template.MediaChunkLastPiece.Select(p => Ms(sent.Chunks[p])))},{string.Join(' ', seen.ChunksReceived.Select(Ms))},{ingest}"));
                }
            }
        }

        foreach (var viewer in viewers)
        {
            foreach (var seen in viewer.Segments.Where(s => s.Number > settings.WarmupSegments))
            {
                if (!viewer.Upload.Sends.TryGetValue(seen.Number, out var sent))
                {
                    continue;
                }

                // From when both exist, the request and the upload's first byte (ffmpeg sometimes sends its first piece,
                // the 24-byte styp, ~40 ms after the request head: Nagle, replayed as recorded): the origin's part only.
                ttfb.Add(BenchClock.Milliseconds(Math.Max(seen.Requested, sent.Chunks[0]), seen.HeadersReceived));
                if (events.Started.TryGetValue(seen.Path, out var startedEvent))
                {
                    headToStarted.Add(BenchClock.Milliseconds(sent.HeadSent, startedEvent));
                    startedToHeaders.Add(BenchClock.Milliseconds(Math.Max(Math.Max(seen.Requested, startedEvent), sent.Chunks[0]), seen.HeadersReceived));
                }
                var template = viewer.Upload.Template(seen.Number);
                for (var i = 0; i < seen.ChunksReceived.Length; i++)
                {
                    var milliseconds = BenchClock.Milliseconds(sent.Chunks[template.MediaChunkLastPiece[i]], seen.ChunksReceived[i]);
                    passThrough.Add(milliseconds);
                    (i == seen.ChunksReceived.Length - 1 ? passThroughLast : i == 0 ? passThroughFirst : passThroughMiddle).Add(milliseconds);
                }
            }
        }

        if (hlsViewers.Count > 0)
        {
            HlsAnnouncements.Join(hlsViewers, ingestTimes.ToDictionary(t => t.Key, t => t.Value.Chunks), settings.WarmupSegments, passThrough, ingestToViewer);
        }

        var ingestedChunks = uploads.Sum(u => Enumerable.Range(settings.WarmupSegments + 1, segments - settings.WarmupSegments).Sum(n => (long)u.Template(n).MediaChunkLastPiece.Length));
        var viewerChunks = viewers.Sum(v => v.Segments.Where(s => s.Number > settings.WarmupSegments).Sum(s => (long)s.ChunksReceived.Length));
        var ingestedBytes = uploads.Sum(u => Enumerable.Range(settings.WarmupSegments + 1, segments - settings.WarmupSegments).Sum(n => (long)u.Template(n).Bytes.Length));
        var machineBusy = (machineEnd.Busy - machineStart.Busy) * 100.0 / Math.Max(1, machineEnd.Total - machineStart.Total);

        // The archive once its run has ended (30 s after the last upload, Archive:EndAfter) and is finalized.
        ArchiveSummary? archived = null;
        PrometheusHistogram? archiveLag = null;
        if (origin.Archive is not null)
        {
            archived = await origin.ReadArchiveAsync(TimeSpan.FromSeconds(60), cancellationToken) with { SegmentsPushed = uploads.Sum(u => u.Sends.Count) };
            archiveLag = await PrometheusHistogram.ScrapeAsync(metricsHttp, origin.ArchiveUri!, "cmaforigin_archive_lag", cancellationToken);
            Console.WriteLine($"[{spec.Name}] archive: {archived.Describe()}");
        }

        var summary = passThrough.Summarize();
        var result = new ScenarioResult
        {
            Scenario = spec.Name,
            Description = spec.Description,
            RanAt = DateTimeOffset.UtcNow,
            Viewers = viewers.Count + hlsViewers.Count,
            Uploads = uploads.Count,
            Channels = spec.Channels,
            DurationS = Math.Round(windowSeconds, 1),
            Headline = summary,
            Errors = errors.Total,
            ErrorKinds = errors.ByKind,
            ErrorExamples = errors.Examples,
            DeliveryRssMb = Math.Round(rss.Delivery, 1),
            DeliveryInstances = origin.Deliveries.Count,
            DeliveryRssByInstanceMb = origin.Deliveries.Count > 1 ? deliveryRss : null,
            DeliveryCpuUsPerViewerChunk = viewerChunks == 0 ? null : Math.Round(cpu["delivery"] * 1e6 / viewerChunks, 1),
            RedisCpuUsPerChunk = ingestedChunks == 0 ? null : Math.Round(cpu["redis"] * 1e6 / ingestedChunks, 1),
            RedisCommandsPerChunk = ingestedChunks == 0 || redisCommands is null ? null : Math.Round(redisCommands.Values.Sum(c => c.Calls) / (double)ingestedChunks, 1),
            IngestRssMb = Math.Round(rss.Ingest, 1),
            RedisRssMb = Math.Round(rss.Redis, 1),
            ArchiveRssMb = origin.Archive is null ? null : Math.Round(ProcStats.StatusMiB(origin.Archive.Pid, "VmHWM"), 1),
            Archive = archived,
            Notes = archived is null ? null : "with Archive.Worker archiving every channel (--archive)",
            ArchiveLagS = Quantiles(archiveLag),
            CpuS = Math.Round(cpu["ingest"] + cpu["delivery"] + cpu["redis"], 2),
            CpuBreakdownS = cpu,
            MachineBusyPercent = Math.Round(machineBusy, 1),
            LoadToolLagMs = monitor.LagMs.Summarize(),
            LoadToolMaxPendingWorkItems = monitor.MaxPendingWorkItems,
            PassThroughMs = summary,
            PassThroughByPlaceMs = new Dictionary<string, Samples.Summary>
            {
                ["first_chunk"] = passThroughFirst.Summarize(),
                ["middle_chunks"] = passThroughMiddle.Summarize(),
                ["last_chunk"] = passThroughLast.Summarize(),
            },
            TtfbMs = ttfb.Summarize(),
            TtfbSplitMs = new Dictionary<string, Samples.Summary>
            {
                ["head_sent_to_started_event"] = headToStarted.Summarize(),
                ["started_event_to_headers"] = startedToHeaders.Summarize(),
            },
            EncoderToIngestMs = encoderToIngest.Summarize(),
            IngestToViewerMs = ingestToViewer.Summarize(),
            IngestStoreMs = Quantiles(storeAfter?.Since(storeBefore)),
            DeliveryPassThroughMs = Quantiles(passAfter?.Since(passBefore)),
            RedisCommands = redisCommands,
            Runtime = runtime,
            DeliveredMbitS = Math.Round(deliveredBytes * 8 / windowSeconds / 1e6, 1),
            IngestedMbitS = Math.Round(ingestedBytes * 8 / (segmentDuration.TotalSeconds * (segments - settings.WarmupSegments)) / 1e6, 1),
            Target = spec.Target,
            TargetMet = false,
            Recording = recording.Source,
        };
        return result with { TargetMet = spec.Met(result) };
    }

    /// <summary>One histogram over every Delivery instance.</summary>
    private static async Task<PrometheusHistogram?> ScrapeDeliveriesAsync(HttpClient http, OriginStack origin, string prefix, CancellationToken cancellationToken)
    {
        var scrapes = new List<PrometheusHistogram?>();
        foreach (var (_, uri) in origin.Deliveries)
        {
            scrapes.Add(await PrometheusHistogram.ScrapeAsync(http, uri, prefix, cancellationToken));
        }

        return PrometheusHistogram.Sum(scrapes);
    }

    internal static async Task RunEncoderAsync(
        OriginStack origin, LiveUpload upload, int segments, TimeSpan segmentDuration, HttpClient? deletes, ErrorCounts errors, CancellationToken cancellationToken)
    {
        await using var uploader = new ChunkedUploader(origin.IngestUri.Host, origin.IngestUri.Port);
        await BenchClock.DelayUntilAsync(upload.StartAt - BenchClock.Ticks(TimeSpan.FromSeconds(2.5)), cancellationToken);
        await PutWholeAsync(uploader, upload.InitPath, upload.Rendition.Init, errors, cancellationToken);
        var pendingDeletes = new List<Task>();
        for (var number = 1; number <= segments; number++)
        {
            var start = upload.StartAt + BenchClock.Ticks(segmentDuration * (number - 1));
            await BenchClock.DelayUntilAsync(start, cancellationToken);
            var template = upload.Template(number);
            var sent = new SegmentSends(template.Frames.Length);
            upload.Sends[number] = sent;
            try
            {
                var status = await uploader.PutPacedAsync(upload.SegmentPath(number), template, start, sent, cancellationToken);
                if (status is not (201 or 204))
                {
                    errors.Add($"encoder_status_{status.ToString(CultureInfo.InvariantCulture)}", upload.SegmentPath(number));
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or EndOfStreamException or InvalidDataException)
            {
                errors.Add("encoder_exception", $"{upload.SegmentPath(number)}: {ex.Message}");
            }

            if (number > 6 && deletes is not null)
            {
                // ffmpeg's window: -window_size 3 -extra_window_size 3, a DELETE on a fresh request.
                pendingDeletes.Add(DeleteAsync(deletes, new Uri(origin.IngestUri, upload.SegmentPath(number - 6)), errors, cancellationToken));
            }
        }

        await Task.WhenAll(pendingDeletes);
    }

    internal static async Task RunManifestAsync(
        OriginStack origin, LiveUpload first, int segments, TimeSpan segmentDuration, byte[] manifest, ErrorCounts errors, CancellationToken cancellationToken)
    {
        await using var uploader = new ChunkedUploader(origin.IngestUri.Host, origin.IngestUri.Port);
        var path = $"/{first.Channel}/out.mpd";
        for (var number = 0; number <= segments; number++)
        {
            // ffmpeg re-PUTs the manifest as each segment begins.
            await BenchClock.DelayUntilAsync(first.StartAt + BenchClock.Ticks(segmentDuration * (number - 1)) + BenchClock.Ticks(TimeSpan.FromMilliseconds(5)), cancellationToken);
            await PutWholeAsync(uploader, path, manifest, errors, cancellationToken);
        }
    }

    private static async Task PutWholeAsync(ChunkedUploader uploader, string path, byte[] body, ErrorCounts errors, CancellationToken cancellationToken)
    {
        try
        {
            var status = await uploader.PutWholeAsync(path, body, cancellationToken);
            if (status is not (201 or 204))
            {
                errors.Add($"encoder_status_{status.ToString(CultureInfo.InvariantCulture)}", path);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or EndOfStreamException or InvalidDataException)
        {
            errors.Add("encoder_exception", $"{path}: {ex.Message}");
        }
    }

    internal static async Task DeleteAsync(HttpClient http, Uri uri, ErrorCounts errors, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.DeleteAsync(uri, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"encoder_delete_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", uri.AbsolutePath);
            }
        }
        catch (HttpRequestException ex)
        {
            errors.Add("encoder_delete_exception", ex.Message);
        }
    }

    /// <summary>
    /// For the last segments (still stored: the window deletes only those 6 back), reads each stream's entries and
    /// places Ingest's receive time <c>t</c> of the entry holding each chunk's last byte on the run's clock.
    /// </summary>
    private static async Task<(Samples EncoderToIngest, Samples IngestToViewer, Dictionary<string, IngestTimes> Times)> SplitAsync(
        OriginStack origin, List<LiveUpload> uploads, List<LiveViewer> viewers, int segments, BenchSettings settings, CancellationToken cancellationToken)
    {
        var clock = settings.Clock;
        var keys = new ObjectKeys("cmaf");
        var db = origin.Connection.GetDatabase();
        var encoderToIngest = new Samples();
        var ingestToViewer = new Samples();
        var first = Math.Max(settings.WarmupSegments + 1, segments - 4);
        var ingestReceived = new Dictionary<string, IngestTimes>(StringComparer.Ordinal);
        foreach (var upload in uploads)
        {
            for (var number = first; number <= segments; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = ObjectPath.Parse(upload.SegmentPath(number));
                var version = (string?)await db.StringGetAsync(keys.Current(path));
                if (version is null || !upload.Sends.TryGetValue(number, out var sent))
                {
                    continue;
                }

                var template = upload.Template(number);
                var entries = await db.StreamRangeAsync(keys.Chunks(path, version));
                var received = new long[template.MediaChunkEnds.Length];
                long offset = 0;
                var chunk = 0;
                long firstPiece = 0, firstPieceOnRedis = 0;
                foreach (var entry in entries)
                {
                    var data = entry[ObjectFields.Data];
                    if (data.IsNull)
                    {
                        continue;
                    }

                    offset += ((byte[])data!).Length;
                    var at = clock.FromUnixMicros((long)entry[ObjectFields.ReceivedAt]);
                    if (firstPiece == 0)
                    {
                        // The entry id is Redis' own clock in ms: when the piece was added (1 ms resolution).
                        firstPiece = at;
                        var id = (string)entry.Id!;
                        firstPieceOnRedis = clock.FromUnixMicros(long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture) * 1000);
                    }

                    while (chunk < received.Length && template.MediaChunkEnds[chunk] <= offset)
                    {
                        received[chunk] = at;
                        encoderToIngest.Add(BenchClock.Milliseconds(sent.Chunks[template.MediaChunkLastPiece[chunk]], at));
                        chunk++;
                    }
                }

                ingestReceived[upload.SegmentPath(number)] = new IngestTimes(firstPiece, firstPieceOnRedis, received);
            }
        }

        foreach (var seen in viewers.SelectMany(v => v.Segments))
        {
            if (ingestReceived.TryGetValue(seen.Path, out var times))
            {
                var received = times.Chunks;
                for (var i = 0; i < received.Length; i++)
                {
                    if (received[i] != 0)
                    {
                        ingestToViewer.Add(BenchClock.Milliseconds(received[i], seen.ChunksReceived[i]));
                    }
                }
            }
        }

        return (encoderToIngest, ingestToViewer, ingestReceived);
    }

    /// <summary>When Ingest received a segment's first piece (and Redis stored it) and each CMAF chunk's last piece, on the run's clock.</summary>
    private sealed record IngestTimes(long FirstPiece, long FirstPieceOnRedis, long[] Chunks);

    internal static Dictionary<string, double?>? Quantiles(PrometheusHistogram? histogram) =>
        histogram is null || histogram.Count <= 0
            ? null
            : new Dictionary<string, double?>
            {
                ["count"] = histogram.Count,
                ["p50"] = histogram.Quantile(0.5),
                ["p99"] = histogram.Quantile(0.99),
            };
}
