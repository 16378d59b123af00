using System.IO.Pipelines;
using CmafOrigin.Delivery.Viewers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CmafOrigin.Bench.Micro.Harness;

/// <summary>
/// A viewer's GET answered by the real <see cref="ObjectResponder"/>, into a response body that counts and discards:
/// what is measured is Delivery's own work per piece (feed, snapshot, write, flush), not a socket's.
/// </summary>
internal sealed class DiscardingViewer : IDisposable
{
    private readonly CancellationTokenSource _aborted = new();

    private DiscardingViewer(FanOutProbe probe, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget = path;
        context.Features.Set<IHttpResponseBodyFeature>(new DiscardingBody(probe));
        context.RequestAborted = _aborted.Token;
        Context = context;
    }

    public HttpContext Context { get; }

    public Task Response { get; private set; } = Task.CompletedTask;

    public static DiscardingViewer Start(ObjectResponder responder, FanOutProbe probe, string path)
    {
        var viewer = new DiscardingViewer(probe, path);
        viewer.Response = Task.Run(() => responder.RespondAsync(viewer.Context));
        return viewer;
    }

    public void Dispose()
    {
        _aborted.Cancel();
        _aborted.Dispose();
    }

    private sealed class DiscardingBody(FanOutProbe probe) : IHttpResponseBodyFeature
    {
        private readonly DiscardingWriter _writer = new(probe);

        public Stream Stream => Stream.Null;

        public PipeWriter Writer => _writer;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;
    }

    /// <summary>A PipeWriter over one reused buffer: no allocation per write, bytes counted on flush like a socket send.</summary>
    private sealed class DiscardingWriter(FanOutProbe probe) : PipeWriter
    {
        private byte[] _buffer = new byte[64 * 1024];
        private long _pending;

        public override void Advance(int bytes) => _pending += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }

            return _buffer;
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            probe.Written(_pending);
            _pending = 0;
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}

/// <summary>Counts bytes flushed by every viewer; completes a wait once they add up to what was expected.</summary>
internal sealed class FanOutProbe
{
    private long _written;
    private long _target = long.MaxValue;
    private TaskCompletionSource? _reached;

    /// <summary>Completes when <paramref name="bytes"/> more bytes have been flushed (summed over all viewers).</summary>
    public Task Expect(long bytes)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _reached, reached);
        var target = Interlocked.Read(ref _written) + bytes;
        Interlocked.Exchange(ref _target, target);
        if (Interlocked.Read(ref _written) >= target)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }

    public void Written(long bytes)
    {
        if (Interlocked.Add(ref _written, bytes) >= Interlocked.Read(ref _target))
        {
            Volatile.Read(ref _reached)?.TrySetResult();
        }
    }
}
