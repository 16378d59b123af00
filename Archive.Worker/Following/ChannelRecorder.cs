using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Archive.Recording;
using CmafOrigin.Archive.Telemetry;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Following;

/// <summary>
/// Archives one channel while this writer holds its lease: reads the channel's activity log through the consumer
/// group, appends every completed segment to its run's track file, records what is missing, ends runs, and
/// acknowledges an entry only once what it asked for is on disk (or known lost), so a writer that dies loses nothing
/// and the next one repeats nothing (the journal tells what is already there).
/// </summary>
internal sealed class ChannelRecorder(string channel, ArchiveWriterContext context)
{
    private const int BatchSize = 64;

    /// <summary>How long a channel its encoder ended must stay quiet before its run is finalized.</summary>
    private static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, byte[]> _inits = new(StringComparer.Ordinal);
    private readonly HashSet<(string Track, long Number)> _aborted = [];
    private readonly HashSet<(string Track, long Number)> _gapped = [];
    private readonly ILogger _logger = context.Logger;
    private SourceManifest? _manifest;
    private LiveRun? _run;
    private bool _failed;
    private bool _endRequested;
    private DateTimeOffset _lastActivity;
    private DateTimeOffset _leaseRenewed;
    private DateTimeOffset _behindWarned;

    public string Channel => channel;

    private RedisKey Log => context.Keys.ChannelActivity(channel);

    private string Writer => context.Lease.WriterId;

    private TimeProvider Time => context.Time;

    /// <summary>Runs until the lease is lost, or the channel has nothing open and was quiet for <c>Archive:EndAfter</c>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // 1. Resume the channel's live run if one is on disk (this writer before a restart, or one that died).
        // 2. Claim what other writers read from the log and never acknowledged: it may not be on disk.
        // 3. Read, archive, acknowledge; end the run when the encoder ends it or goes quiet; renew the lease.
        _lastActivity = _leaseRenewed = Time.GetUtcNow();
        ArchiveLog.LeaseTaken(_logger, ChannelName.Of(channel));
        try
        {
            ResumeRun();
            var claimed = false;
            while (!stopping.IsCancellationRequested)
            {
                if (!await RenewLeaseAsync())
                {
                    ArchiveLog.LeaseLost(_logger, ChannelName.Of(channel));
                    return;
                }

                try
                {
                    claimed = claimed || await ClaimAbandonedAsync();
                    while (await ReadBatchAsync(stopping) > 0 && !stopping.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    ArchiveLog.ReadFailed(_logger, e, ChannelName.Of(channel));
                }

                var quietFor = Time.GetUtcNow() - _lastActivity;
                var quiet = quietFor > context.Options.EndAfter;
                if (_endRequested && quietFor > EndGrace)
                {
                    await EndRunAsync("the encoder ended the stream", stopping);
                }
                else if (quiet && _run is not null)
                {
                    await EndRunAsync("no upload for " + context.Options.EndAfter.TotalSeconds + " s", stopping);
                }
                else if (quiet)
                {
                    return;
                }

                await Task.Delay(context.Options.PollInterval, Time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // A run left open on shutdown stays live on disk: the next writer resumes it where it stands.
            _run?.Dispose();
            await context.Lease.ReleaseAsync(channel).ConfigureAwait(false);
        }
    }

    private void ResumeRun()
    {
        try
        {
            _run = LiveRun.Resume(context.Layout, channel);
            if (_run is not null)
            {
                ArchiveLog.RunResumed(_logger, ChannelName.Of(channel), _run.Id, _run.SegmentCount);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, "resuming");
        }
    }

    private async Task<bool> RenewLeaseAsync()
    {
        var now = Time.GetUtcNow();
        if (now - _leaseRenewed < context.Options.LeaseTime / 3)
        {
            return true;
        }

        try
        {
            var held = await context.Lease.HoldAsync(channel);
            _leaseRenewed = now;
            return held;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away: nobody else can take the lease either; go on while it has not expired.
            ArchiveLog.ReadFailed(_logger, e, ChannelName.Of(channel));
            return now - _leaseRenewed < context.Options.LeaseTime;
        }
    }

    /// <summary>Takes over the entries another writer read but never acknowledged (it died or lost the channel).</summary>
    private async Task<bool> ClaimAbandonedAsync()
    {
        var db = context.Redis.GetDatabase();
        if (!await EnsureGroupAsync(db))
        {
            return false;
        }

        var start = (RedisValue)"0-0";
        do
        {
            var claimed = await db.StreamAutoClaimIdsOnlyAsync(Log, ObjectKeys.ArchiveGroup, Writer, 0, start, 1000);
            start = claimed.NextStartId;
        }
        while (start != "0-0");
        return true;
    }

    private async Task<bool> EnsureGroupAsync(IDatabase db)
    {
        // No log yet (or purged): nothing to read. Creating it here would leave a key without a TTL behind.
        if (!await db.KeyExistsAsync(Log))
        {
            return false;
        }

        try
        {
            await db.StreamCreateConsumerGroupAsync(Log, ObjectKeys.ArchiveGroup, "0-0", createStream: false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }

        return true;
    }

    /// <summary>Reads this writer's unacknowledged entries first, then new ones; returns how many it handled.</summary>
    private async Task<int> ReadBatchAsync(CancellationToken stopping)
    {
        var db = context.Redis.GetDatabase();
        StreamEntry[] entries;
        try
        {
            entries = await db.StreamReadGroupAsync(Log, ObjectKeys.ArchiveGroup, Writer, "0", BatchSize);
            if (entries.Length == 0)
            {
                entries = await db.StreamReadGroupAsync(Log, ObjectKeys.ArchiveGroup, Writer, ">", BatchSize);
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // The log is new, or was purged with its group: make the group and read from its start.
            return await EnsureGroupAsync(db) ? 1 : 0;
        }

        foreach (var entry in entries)
        {
            stopping.ThrowIfCancellationRequested();
            if (!entry.IsNull && entry[ChannelFields.Event] is { IsNull: false } value && Parse(value) is { } change)
            {
                await HandleAsync(change, stopping);
            }

            await db.StreamAcknowledgeAsync(Log, ObjectKeys.ArchiveGroup, entry.Id);
        }

        return entries.Length;
    }

    private async Task HandleAsync(ChannelEvent change, CancellationToken stopping)
    {
        _lastActivity = Time.GetUtcNow();
        try
        {
            switch (change.Kind)
            {
                case ChannelEventKind.ChannelStarted when _failed:
                    // A run that could not be written ends here; the next encoder run tries the disk again.
                    await EndRunAsync("the channel started again", stopping);
                    _failed = false;
                    break;
                case ChannelEventKind.ChannelStarted:
                    // Not an end by itself: an encoder's teardown can begin an upload after its final manifest ended
                    // the channel, while its last segment is still arriving. A new encoder run shows in its first
                    // segment (another init segment, numbers or times going back), which ends this run there.
                    break;
                case ChannelEventKind.ChannelEnded:
                    // Not at once: ffmpeg's last segment of a track (audio ends after video) can complete just after
                    // its final manifest. The run ends once the channel has been quiet for EndGrace.
                    _endRequested = _run is not null;
                    _failed = false;
                    break;
                case ChannelEventKind.ManifestUpdated when PathOf(change) is { Extension: ".mpd" } manifest:
                    if (await context.Objects.ReadAsync(manifest, change.Version) is { } mpd && SourceManifest.TryParse(mpd) is { } parsed)
                    {
                        _manifest = parsed;
                    }

                    break;
                case ChannelEventKind.SegmentAborted when change.Track.Length > 0:
                    _aborted.Add((change.Track, change.SegmentNumber));
                    break;
                case ChannelEventKind.SegmentCompleted when PathOf(change) is { } path:
                    await SegmentCompletedAsync(change, path, stopping);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, "writing");
        }
    }

    private async Task SegmentCompletedAsync(ChannelEvent change, ObjectPath path, CancellationToken stopping)
    {
        var track = change.Track;
        if (InitSegment.Matches(path.Name, _manifest?.Templates ?? []))
        {
            if (track.Length > 0 && await context.Objects.ReadAsync(path, change.Version) is { } init)
            {
                _inits[track] = init;
            }

            return;
        }

        if (track.Length == 0 || _failed || (_run?.Track(track)?.Holds(change.Version) ?? false))
        {
            return;
        }

        var number = change.SegmentNumber;
        var pieces = await context.Objects.ReadPiecesAsync(path, change.Version);
        var initBytes = pieces is null ? null : await InitOfAsync(track);
        var cmaf = initBytes is null ? null : CmafTrack.TryParse(initBytes, out _);
        string? error = null;
        var timing = default(SegmentTiming);
        var why = pieces is null ? "gone from Redis before it was archived"
            : initBytes is null ? "its init segment is not on Redis"
            : cmaf is null ? "its init segment is not CMAF"
            : !SegmentTiming.TryRead(pieces, cmaf, out timing, out error) ? "not CMAF: " + error
            : null;
        if (why is not null)
        {
            Gap(track, number, number, why);
            return;
        }

        // The same track with another init segment, or numbers or time going back: the encoder restarted. A run
        // holds one encoder run, so the file never mixes two timelines or two sets of codec settings.
        if (_run?.Track(track) is { } existing)
        {
            var restarted = !existing.Init.AsSpan().SequenceEqual(initBytes)
                ? "init segment"
                : existing.Last is { } last && (number <= last.Number || timing.DecodeTime < last.DecodeTime) ? "segment numbers and times" : null;
            if (restarted is not null)
            {
                ArchiveLog.EncoderRestarted(_logger, ChannelName.Of(channel), _run.Id, restarted);
                await EndRunAsync("the encoder restarted", stopping);
            }
        }

        var completedAt = change.At.ToDateTimeOffset();
        var run = _run ??= StartRun(completedAt - TimeSpan.FromSeconds((double)timing.Duration / cmaf!.Timescale));
        var file = run.Track(track);
        if (file is null)
        {
            var description = (_manifest?.Tracks.GetValueOrDefault(track) ?? new ArchiveTrack { Id = track, ContentType = TrackKind.Of(initBytes!) })
                with
            { InitName = SourceManifest.InitName(_manifest, track), Timescale = cmaf!.Timescale };
            file = run.AddTrack(description, initBytes!, cmaf);
        }
        else if (file.Last is { } last && number > last.Number + 1)
        {
            // Numbers skipped since the last archived one, less those already recorded with their reason.
            var (from, to) = (last.Number + 1, number - 1);
            while (from <= to && _gapped.Contains((track, from)))
            {
                from++;
            }

            while (to >= from && _gapped.Contains((track, to)))
            {
                to--;
            }

            if (from <= to)
            {
                Gap(track, from, to, null);
            }
        }

        var appended = file.Append(path.Name, number, change.Version, pieces!, timing.DecodeTime, timing.Duration, timing.Independent);
        run.Save();
        var lag = Time.GetUtcNow() - completedAt;
        context.Metrics.Archived(appended.Size, lag);
        if (lag > context.IngestRetention / 2 && Time.GetUtcNow() - _behindWarned > TimeSpan.FromMinutes(1))
        {
            _behindWarned = Time.GetUtcNow();
            ArchiveLog.FallingBehind(_logger, ChannelName.Of(channel), lag.TotalSeconds);
        }
    }

    private LiveRun StartRun(DateTimeOffset startedAt)
    {
        var run = LiveRun.Start(context.Layout, channel, startedAt, _manifest?.MediaTimeZero);
        _failed = false;
        context.Health.Recovered(channel);
        ArchiveLog.RunStarted(_logger, ChannelName.Of(channel), run.Id);
        return run;
    }

    /// <summary>Ends the open run: an empty one is removed, a failed one left as it is, any other finalized.</summary>
    private async Task EndRunAsync(string reason, CancellationToken stopping)
    {
        if (_run is not { } run)
        {
            return;
        }

        // Segments aborted after the last one archived (an encoder killed mid-segment) are the run's last gap.
        foreach (var (track, number) in _aborted.Order())
        {
            if (run.Track(track)?.Last is { } last && number > last.Number && !_gapped.Contains((track, number)))
            {
                Gap(track, number, number, "upload aborted");
            }
        }

        _run = null;
        _endRequested = false;
        _aborted.Clear();
        _gapped.Clear();
        run.Dispose();
        if (run.SegmentCount == 0)
        {
            Directory.Delete(run.Directory, recursive: true);
            context.Metrics.RunEnded("empty");
            return;
        }

        if (_failed)
        {
            context.Metrics.RunEnded("failed");
            return;
        }

        try
        {
            var final = await context.Finalizer.FinalizeAsync(run.Directory, Time.GetUtcNow(), stopping);
            if (final.Outcome == RunFinalizationOutcome.Invalid)
            {
                // The journal and the live file disagree: the run keeps its live files and says why; it is not
                // resumed (a run with an error never is) and goes with the retention.
                context.Metrics.RunEnded("invalid");
                LiveRun.MarkFailed(run.Directory, final.Error ?? "the archived files are not consistent");
                return;
            }

            context.Metrics.RunEnded("final");
            ArchiveLog.RunFinal(_logger, ChannelName.Of(channel), run.Id, reason, run.SegmentCount, final.Run?.Duration ?? 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run stays live on disk; whoever archives the channel next resumes and ends it again.
            context.Metrics.RunEnded("failed");
            ArchiveLog.FinalizeFailed(_logger, e, ChannelName.Of(channel), run.Id);
        }
    }

    private void Gap(string track, long from, long to, string? reason)
    {
        reason ??= Enumerable.Range(0, (int)Math.Min(to - from + 1, 10_000)).Any(i => _aborted.Contains((track, from + i)))
            ? "upload aborted"
            : "never uploaded";
        for (var n = from; n <= to && n - from < 10_000; n++)
        {
            _gapped.Add((track, n));
        }

        context.Metrics.Gap(to - from + 1, reason);
        ArchiveLog.Gap(_logger, ChannelName.Of(channel), track, from, to, reason);
        if (_run is { } run && !_failed)
        {
            run.AddGap(track, from, to, reason);
            run.Save();
        }
    }

    private async Task<byte[]?> InitOfAsync(string track)
    {
        if (_inits.TryGetValue(track, out var init))
        {
            return init;
        }

        // Not seen in the log (this writer came after it): the one Ingest keeps for the channel, or the run's own.
        _manifest ??= await context.Objects.ManifestOfAsync(channel) is { } manifestPath
            && await context.Objects.ReadCurrentAsync(manifestPath) is { } mpd ? SourceManifest.TryParse(mpd) : null;
        var name = SourceManifest.InitName(_manifest, track);
        if (ObjectPath.TryParse("/" + (channel.Length == 0 ? name : $"{channel}/{name}"), out var path, out _)
            && await context.Objects.ReadCurrentAsync(path) is { } stored)
        {
            _inits[track] = stored;
            return stored;
        }

        return _run?.Track(track)?.Init;
    }

    private void Fail(Exception e, string doing)
    {
        var first = !_failed;
        _failed = true;
        // Health first: whoever is told of the failure by the metric finds /health already saying so.
        context.Health.Failing(channel, $"{doing}: {e.Message}");
        context.Metrics.WriteFailed();
        if (first)
        {
            ArchiveLog.WriteFailed(_logger, e, ChannelName.Of(channel), _run?.Id ?? "(none)");
        }

        try
        {
            _run?.Fail(e.Message);
            _run?.Save();
        }
        catch (Exception again) when (again is IOException or UnauthorizedAccessException)
        {
            // The disk refuses run.json too: the run stays as it was last written, still live, never listed as final.
        }
    }

    /// <summary>An entry that is not a ChannelEvent (not written by this origin's Ingest) is skipped, never retried for ever.</summary>
    private ChannelEvent? Parse(RedisValue value)
    {
        try
        {
            return ChannelEvent.Parser.ParseFrom((byte[])value!);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            ArchiveLog.ReadFailed(_logger, e, ChannelName.Of(channel));
            return null;
        }
    }

    private static ObjectPath? PathOf(ChannelEvent change) =>
        ObjectPath.TryParse("/" + change.Path.TrimStart('/'), out var path, out _) ? path : null;
}
