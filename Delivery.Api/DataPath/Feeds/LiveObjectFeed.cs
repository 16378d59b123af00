using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Feeds;

/// <summary>
/// The one reader of an in-progress object version in this process. It reads new entries from the
/// version's chunk stream when woken by an event, keeps the chunks received so far, and wakes every
/// viewer of the version at once: Redis reads per chunk do not grow with the number of viewers.
/// </summary>
internal sealed partial class LiveObjectFeed : IAsyncDisposable
{
    private const int ReadBatch = 256;

    // _reading: no read running, one running, or the feed closed (none may start).
    private const int Idle = 0, Reading = 1, Closed = 2;

    private readonly ObjectReader _reader;
    private readonly RedisKey _chunksKey;
    private readonly RedisKey _metaKey;
    private readonly TimeSpan _safetyRecheck;
    private readonly TimeSpan? _stallLimit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _recheck;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _pass = Task.CompletedTask;
    private int _reading;

    private FeedChunk[] _chunks = new FeedChunk[16];
    private int _count;
    private long _size;
    private FeedState _state;
    private TaskCompletionSource _changed = NewSignal();
    private RedisValue _lastId = "0-0";
    private int _wakePending;
    private long _lastProgress;

    /// <param name="stallMargin">
    /// Added to the idle timeout the version's writer states: silent longer than both, it has no live writer and is
    /// aborted. A version that states none is only aborted by its marker or its expiry.
    /// </param>
    public LiveObjectFeed(ObjectVersion version, ObjectReader reader, TimeSpan safetyRecheck, TimeSpan stallMargin, TimeProvider time, ILogger logger)
    {
        Version = version;
        _reader = reader;
        _chunksKey = reader.Keys.Chunks(version.Path, version.Version);
        _metaKey = reader.Keys.Meta(version.Path, version.Version);
        _safetyRecheck = safetyRecheck;
        _stallLimit = version.Meta.IdleTimeout + stallMargin;
        _time = time;
        _lastProgress = time.GetTimestamp();
        _logger = logger;
        // One timer per feed, re-armed before each wait: the safety re-check is a wake like an event's.
        _recheck = time.CreateTimer(static state => ((LiveObjectFeed)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public ObjectVersion Version { get; }

    /// <summary>Viewers attached; changed only under the hub's lock.</summary>
    internal int Viewers { get; set; }

    private bool IsLive
    {
        get
        {
            lock (_gate)
            {
                return _state == FeedState.Live;
            }
        }
    }

    public FeedSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FeedSnapshot(_count, _state, _changed.Task, _chunks);
        }
    }

    /// <summary>Starts reading; called once the feed is registered for events, so none is missed in between.</summary>
    public void Start() => Wake();

    /// <summary>
    /// New entries may be on the stream: read them. Cheap and idempotent, called for every event. When no read is
    /// running, the caller's thread sends the read itself (the event's thread, so a chunk costs no hop to another
    /// thread before its read is on the wire); otherwise the running one reads again when it is done.
    /// </summary>
    public void Wake()
    {
        Volatile.Write(ref _wakePending, 1);
        if (Interlocked.CompareExchange(ref _reading, Reading, Idle) == Idle)
        {
            _pass = ReadWhileWokenAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Take the reader's place for good: the read running now is waited for, and none starts after.
        while (Interlocked.CompareExchange(ref _reading, Closed, Idle) == Reading)
        {
            await Volatile.Read(ref _pass).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await Task.Yield();
        }

        Finish(FeedState.Aborted, "feed closed");
        await _recheck.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Reads until nothing woke the feed since its last read; only one runs at a time (<see cref="_reading"/>).</summary>
    private async Task ReadWhileWokenAsync()
    {
        try
        {
            do
            {
                Volatile.Write(ref _wakePending, 0);
                if (_stop.IsCancellationRequested || !IsLive)
                {
                    // Closing, or already ended: the events and re-checks that still come cost no read.
                    break;
                }

                await ReadNewEntriesAsync();
                if (!IsLive)
                {
                    break;
                }

                if (Volatile.Read(ref _wakePending) == 0)
                {
                    // Woken next by an event for this version, or by the safety re-check when none came (sooner when
                    // the stall limit falls due first).
                    _recheck.Change(NextRecheck(), Timeout.InfiniteTimeSpan);
                }
            }
            while (Volatile.Read(ref _wakePending) == 1);
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            FeedLog.ReadFailed(_logger, ex, Version.Path.Value, Version.Version);
            Finish(FeedState.Aborted, "storage failed");
        }
        finally
        {
            Volatile.Write(ref _reading, Idle);
        }

        // A wake that came after the last look but before the release above found a read still running: read for it.
        if (Volatile.Read(ref _wakePending) == 1 && IsLive)
        {
            Wake();
        }
    }

    private async Task ReadNewEntriesAsync()
    {
        while (true)
        {
            var entries = await _reader.ReadAfterAsync(_chunksKey, _lastId, ReadBatch);
            if (entries.Length == 0)
            {
                // Nothing new. Normal after a spurious wake-up; but if the version itself is gone
                // (deleted, or expired because its Ingest died), nothing will ever come.
                if (!await _reader.ExistsAsync(_metaKey))
                {
                    Finish(FeedState.Aborted, "the object is gone");
                }
                else if (_stallLimit is { } limit && _time.GetElapsedTime(_lastProgress) >= limit)
                {
                    // Measured from what this feed last read, after a read that found nothing: never longer than the
                    // writer's own silence, so a live Ingest (which aborts at its idle timeout) is never cut short.
                    FeedLog.WriterGone(_logger, Version.Path.Value, Version.Version, Math.Round(limit.TotalSeconds, 1));
                    Finish(FeedState.Aborted, "its Ingest is gone");
                }

                return;
            }

            _lastProgress = _time.GetTimestamp();
            foreach (var entry in entries)
            {
                _lastId = entry.Id;
                var chunk = ChunkEntry.Parse(entry);
                switch (chunk.Kind)
                {
                    case ChunkEntryKind.Data:
                        Append(new FeedChunk(chunk.Data, chunk.ReceivedAt));
                        break;
                    case ChunkEntryKind.End when chunk.EndSize == _size:
                        Finish(FeedState.Complete, null);
                        return;
                    case ChunkEntryKind.End:
                        Finish(FeedState.Aborted, $"end marker says {chunk.EndSize} bytes, received {_size}");
                        return;
                    default:
                        Finish(FeedState.Aborted, chunk.Reason ?? "upload aborted");
                        return;
                }
            }

            if (entries.Length < ReadBatch)
            {
                return;
            }
        }
    }

    private TimeSpan NextRecheck()
    {
        if (_stallLimit is not { } limit)
        {
            return _safetyRecheck;
        }

        var dueIn = limit - _time.GetElapsedTime(_lastProgress);
        return dueIn < _safetyRecheck ? (dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero) : _safetyRecheck;
    }

    private void Append(FeedChunk chunk)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_state != FeedState.Live)
            {
                return;
            }

            if (_count == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            _chunks[_count++] = chunk;
            _size += chunk.Data.Length;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private void Finish(FeedState state, string? reason)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_state != FeedState.Live)
            {
                return;
            }

            _state = state;
            changed = _changed;
        }

        if (state == FeedState.Aborted)
        {
            FeedLog.Aborted(_logger, Version.Path.Value, Version.Version, reason ?? "unknown");
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
