using CmafOrigin.Contracts.V1;

namespace CmafOrigin.Delivery.Feeds;

/// <summary>
/// Requests that arrived before the upload of their path started, waiting for it to start.
/// All waiters of one path share one signal, which names the version that started.
/// </summary>
internal sealed class UploadStartSignals(TimeProvider time)
{
    private readonly Dictionary<string, Waiters> _byPath = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Registers interest in <paramref name="path"/>; dispose the result when done waiting.</summary>
    public Registration Register(string path)
    {
        lock (_gate)
        {
            if (!_byPath.TryGetValue(path, out var waiters))
            {
                waiters = new Waiters();
                _byPath[path] = waiters;
            }

            waiters.Count++;
            return new Registration(this, path, waiters);
        }
    }

    /// <summary>
    /// Version <paramref name="version"/> started uploading at <paramref name="path"/>: wake everyone waiting for it,
    /// with the meta its begin wrote when the event carries it (<paramref name="begun"/>).
    /// </summary>
    public void Signal(string path, string version, UploadBegun? begun = null)
    {
        Waiters? waiters;
        lock (_gate)
        {
            if (!_byPath.Remove(path, out waiters))
            {
                return;
            }
        }

        waiters.Started.TrySetResult(UploadStart.Heard(time.GetTimestamp(), version, begun));
    }

    /// <summary>Paths with someone waiting (tests read it: no stat shows it).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byPath.Count;
            }
        }
    }

    /// <summary>Requests waiting, over all paths (tests read it: no stat shows it).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _byPath.Values.Sum(waiters => waiters.Count);
            }
        }
    }

    private void Release(string path, Waiters waiters)
    {
        lock (_gate)
        {
            if (--waiters.Count == 0 && _byPath.TryGetValue(path, out var current) && current == waiters)
            {
                _byPath.Remove(path);
            }
        }
    }

    internal sealed class Waiters
    {
        // Continuations on the thread pool: Signal runs on the Redis subscription's own thread.
        public TaskCompletionSource<UploadStart> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }

    public sealed class Registration : IDisposable
    {
        private readonly UploadStartSignals _owner;
        private readonly string _path;
        private readonly Waiters _waiters;
        private int _disposed;

        internal Registration(UploadStartSignals owner, string path, Waiters waiters)
        {
            _owner = owner;
            _path = path;
            _waiters = waiters;
        }

        /// <summary>Completes when an upload starts at the path.</summary>
        public Task<UploadStart> Started => _waiters.Started.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Release(_path, _waiters);
            }
        }
    }
}
