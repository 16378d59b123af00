using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Storage;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// Follows one rendition's segments as they upload, one background loop per rendition and channel (never per
/// viewer): attaches to the same shared feed as DASH viewers of the segment, parses its chunks as they land and
/// publishes a new <see cref="RenditionSnapshot"/> for every part. Blocked playlist and part requests wait on it.
/// </summary>
/// <remarks>
/// 1. Start at the newest segment Ingest has begun for this track (the channel hash), after reading the
///    window of segments before it that are complete (<see cref="WindowFor"/>): every instance lists the same window.
/// 2. Per segment: wait for its upload to start (the event Delivery already routes), then follow its feed.
/// 3. Malformed media stops this rendition for good: its channel has no HLS, its DASH is untouched.
/// </remarks>
internal sealed class RenditionFollower : IAsyncDisposable
{
    /// <summary>
    /// Segments whose bytes are kept, the fewest listed: as many as ffmpeg's LL-DASH window keeps on the origin (3 + 3).
    /// Playlists list parts of the last 3 target durations only, well inside it.
    /// </summary>
    public const int PartWindow = 6;

    /// <summary>The longest window listed, whatever the MPD says: what a follower reads when it starts stays bounded.</summary>
    private static readonly TimeSpan LongestWindow = TimeSpan.FromSeconds(60);

    private readonly int _window;

    private readonly HlsChannelContext _context;
    private readonly string _manifest;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private List<HlsSegment> _segments = [];
    private TaskCompletionSource _changed = NewSignal();
    private string? _failure;
    private bool _ready;
    private Task _run = Task.CompletedTask;

    public RenditionFollower(HlsChannelContext context, ObjectPath manifest, HlsRendition rendition, CmafTrack track, int window)
    {
        _window = Math.Max(PartWindow, window);
        _context = context;
        _manifest = manifest.Value;
        _directory = manifest.Channel;
        Rendition = rendition;
        Track = track;
    }

    public HlsRendition Rendition { get; }

    public CmafTrack Track { get; }

    /// <summary>Its media playlist as last written, shared by the viewers the same change wakes.</summary>
    public MediaPlaylistCache Playlists { get; } = new();

    /// <summary>
    /// Segments listed: what the encoder keeps available (the MPD's <c>timeShiftBufferDepth</c>), at least
    /// <see cref="PartWindow"/>, at most a minute. Longer than CAN-SKIP-UNTIL, it lets delta updates skip the rest.
    /// </summary>
    public static int WindowFor(HlsPresentation presentation, HlsRendition rendition)
    {
        if (presentation.TimeShiftBufferDepth is not { } depth || rendition.NominalSegmentSeconds <= 0)
        {
            return PartWindow;
        }

        var seconds = Math.Min(depth.TotalSeconds, LongestWindow.TotalSeconds);
        return Math.Max(PartWindow, (int)Math.Ceiling(seconds / rendition.NominalSegmentSeconds));
    }

    public RenditionSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RenditionSnapshot(Rendition, Track, _segments, _changed.Task, _failure, _ready);
        }
    }

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellation)
    {
        try
        {
            // 1. Where to start
            var number = await LatestStartedAsync() ?? Rendition.StartNumber;
            for (var earlier = Math.Max(Rendition.StartNumber, number - _window + 1); earlier < number; earlier++)
            {
                if (await _context.Reader.ResolveAsync(PathOf(earlier)) is { Meta.State: ObjectState.Complete } version)
                {
                    await LoadCompletedAsync(earlier, version);
                }
            }

            // 2. Follow; playlists are answered from now on, when the window before the live edge is read.
            Publish(null);
            while (!cancellation.IsCancellationRequested && _failure is null)
            {
                number = await FollowAsync(number, cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            HlsLog.FollowFailed(_context.Logger, ex, Rendition.Id, _manifest);
            Fail($"following the rendition failed: {ex.Message}");
        }
    }

    /// <summary>Follows segment <paramref name="number"/> to its end; returns the number to follow next.</summary>
    private async Task<long> FollowAsync(long number, CancellationToken cancellation)
    {
        var path = PathOf(number);
        ObjectVersion? version;
        using (var registration = _context.StartSignals.Register(path.Value))
        {
            // Registered first, then looked up: an upload starting in between is not missed.
            version = await _context.Reader.ResolveAsync(path, notBefore: _context.Time.GetTimestamp());
            if (version is null)
            {
                UploadStart start;
                try
                {
                    start = await registration.Started.WaitAsync(WaitForNextSegment, _context.Time, cancellation);
                }
                catch (TimeoutException)
                {
                    // Nothing for a while: the encoder may have skipped numbers or restarted. Its channel hash knows.
                    return await LatestStartedAsync() is { } latest && latest > number ? latest : number;
                }

                version = start.Bound(path) ?? await _context.Reader.ResolveAsync(path, notBefore: start.SignalledAt, started: start.Version);
                if (version is null)
                {
                    return number;
                }
            }
        }

        switch (version.Meta.State)
        {
            case ObjectState.Complete:
                await LoadCompletedAsync(number, version);
                return number + 1;
            case ObjectState.Uploading:
                return await FollowUploadAsync(number, version, cancellation);
            default:
                return number + 1;
        }
    }

    private async Task<long> FollowUploadAsync(long number, ObjectVersion version, CancellationToken cancellation)
    {
        var name = version.Path.Name;
        var feed = _context.Hub.Attach(version);
        try
        {
            var parser = new CmafChunkParser(Track);
            var bytes = new SegmentBytes();
            var parts = new List<CmafPart>();
            var read = 0;
            Publish(new HlsSegment(number, name, [], false, bytes));
            while (true)
            {
                var snapshot = feed.Snapshot();
                var before = parts.Count;
                for (; read < snapshot.Count; read++)
                {
                    var piece = snapshot.Chunks[read].Data;
                    bytes.Add(piece);
                    if (!parser.Push(piece.Span, parts))
                    {
                        Malformed(name, parser.Error!);
                        return number + 1;
                    }
                }

                if (parts.Count != before)
                {
                    Publish(new HlsSegment(number, name, [.. parts], false, bytes));
                }

                switch (snapshot.State)
                {
                    case FeedState.Live:
                        await snapshot.Changed.WaitAsync(cancellation);
                        continue;
                    case FeedState.Complete when parser.Finish():
                        Publish(new HlsSegment(number, name, [.. parts], true, bytes));
                        return number + 1;
                    case FeedState.Complete:
                        Malformed(name, parser.Error!);
                        return number + 1;
                    default:
                        // The upload aborted: its parts are withdrawn; a new upload of the same path is followed afresh.
                        Remove(number);
                        return await _context.Reader.ResolveAsync(version.Path) is { Meta.State: ObjectState.Uploading } retry && retry.Version != version.Version
                            ? number
                            : number + 1;
                }
            }
        }
        finally
        {
            await _context.Hub.DetachAsync(feed);
        }
    }

    private async Task LoadCompletedAsync(long number, ObjectVersion version)
    {
        // The same cached copy the segment is served from to DASH viewers: nothing read twice.
        var body = await _context.Completed.GetAsync(version, string.Empty, static stored => stored);
        if (body is null)
        {
            return;
        }

        var parser = new CmafChunkParser(Track);
        var parts = new List<CmafPart>();
        if (!parser.Push(body.Bytes, parts) || !parser.Finish())
        {
            Malformed(version.Path.Name, parser.Error!);
            return;
        }

        var bytes = new SegmentBytes();
        bytes.Add(body.Bytes);
        Publish(new HlsSegment(number, version.Path.Name, parts, true, bytes));
    }

    private Task<long?> LatestStartedAsync() => _context.Reader.LatestSegmentAsync(_directory, Rendition.Id);

    private TimeSpan WaitForNextSegment => TimeSpan.FromSeconds(Math.Max(2, 3 * Rendition.NominalSegmentSeconds));

    private ObjectPath PathOf(long number) =>
        ObjectPath.Parse("/" + (_directory.Length == 0 ? string.Empty : _directory + "/") + Rendition.SegmentName(number));

    private void Malformed(string segment, string reason)
    {
        HlsLog.Malformed(_context.Logger, Rendition.Id, _manifest, segment, reason);
        Fail($"segment {segment} of rendition {Rendition.Id} is not CMAF: {reason}");
    }

    /// <summary>Publishes a new or grown segment; null marks the rendition ready (its window before the live edge is read).</summary>
    private void Publish(HlsSegment? segment)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (segment is null)
            {
                _ready = true;
                changed = _changed;
                _changed = NewSignal();
                changed.TrySetResult();
                return;
            }

            var segments = new List<HlsSegment>(_segments.Count + 1);
            segments.AddRange(_segments.Where(s => s.Number != segment.Number));
            segments.Add(segment);
            segments.Sort(static (a, b) => a.Number.CompareTo(b.Number));
            var newest = segments[^1].Number;
            // Only the window before the newest segment: numbers, not arrival, decide what is listed.
            segments.RemoveAll(s => s.Number <= newest - _window);
            for (var i = 0; i < segments.Count && segments[i].Number <= newest - PartWindow; i++)
            {
                if (segments[i].Bytes is not null)
                {
                    segments[i] = segments[i] with { Bytes = null };
                }
            }

            _segments = segments;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private void Remove(long number)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _segments = [.. _segments.Where(s => s.Number != number)];
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private void Fail(string reason)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _failure ??= reason;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
