using System.Diagnostics;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A player reading one object as it arrives: records every read, so a test can wait for a
/// number of bytes and then check what came, in which order, and how the response ended.
/// </summary>
public sealed class StreamingViewer : IAsyncDisposable
{
    private readonly MemoryStream _received = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ViewerRead> _log = [];
    private readonly Stopwatch _sinceRequest;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;

    private StreamingViewer(HttpResponseMessage response, DateTimeOffset requestedAt, Stopwatch sinceRequest)
    {
        Response = response;
        RequestedAt = requestedAt;
        _sinceRequest = sinceRequest;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Reads that returned bytes: how many pieces the body arrived in.</summary>
    public int Reads { get; private set; }

    /// <summary>When the GET was sent (wall clock, comparable with the times Ingest stores on Redis).</summary>
    public DateTimeOffset RequestedAt { get; }

    /// <summary>Every read that returned bytes, in order, with when it returned: how the body was spread over time.</summary>
    public IReadOnlyList<ViewerRead> ReadLog
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// When each piece of the body arrived (since the request): the client splits one flushed chunk into several reads
    /// a few microseconds apart, so reads closer than 100 ms count as one piece.
    /// </summary>
    public IReadOnlyList<TimeSpan> Pieces
    {
        get
        {
            var reads = ReadLog;
            var pieces = new List<TimeSpan>();
            for (var i = 0; i < reads.Count; i++)
            {
                if (i == 0 || reads[i].SinceRequest - reads[i - 1].SinceRequest > TimeSpan.FromMilliseconds(100))
                {
                    pieces.Add(reads[i].SinceRequest);
                }
            }

            return pieces;
        }
    }

    /// <summary>Null while reading; then true when the body ended cleanly, false when the connection failed.</summary>
    public bool? EndedCleanly { get; private set; }

    /// <summary>Opens a GET of <paramref name="path"/> and starts reading its body in the background.</summary>
    public static async Task<StreamingViewer> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        var requestedAt = DateTimeOffset.UtcNow;
        var sinceRequest = Stopwatch.StartNew();
        var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        var viewer = new StreamingViewer(response, requestedAt, sinceRequest);
        viewer._reading = viewer.ReadAsync();
        return viewer;
    }

    public byte[] Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> bytes arrived (or the body ended).</summary>
    public async Task WaitForBytesAsync(int count, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_received.Length >= count || EndedCleanly is not null)
                {
                    return;
                }

                progress = _progress.Task;
            }

            await progress.WaitAsync(deadline.Token);
        }
    }

    /// <summary>Waits for the body to end; true when it ended cleanly.</summary>
    public async Task<bool> WaitForEndAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await _reading.WaitAsync(timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
        return EndedCleanly!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Response.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        bool clean;
        try
        {
            await using var body = await Response.Content.ReadAsStreamAsync(_stop.Token);
            while (true)
            {
                var read = await body.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    clean = true;
                    break;
                }

                var elapsed = _sinceRequest.Elapsed;
                var at = DateTimeOffset.UtcNow;
                lock (_gate)
                {
                    _received.Write(buffer, 0, read);
                    Reads++;
                    _log.Add(new ViewerRead(elapsed, at, read));
                    Signal();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            clean = false;
        }

        lock (_gate)
        {
            EndedCleanly = clean;
            Signal();
        }
    }

    private void Signal()
    {
        var progress = _progress;
        _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        progress.TrySetResult();
    }
}
