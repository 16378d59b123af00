namespace CmafOrigin.Bench.Measure;

/// <summary>
/// Is the load tool itself the limit? Every 10 ms a probe is queued to the tool's thread pool, where the viewers'
/// and encoders' continuations run, and the time until it starts is noted: a received chunk can be timestamped
/// late by about as much. Also the most work items seen waiting.
/// </summary>
internal sealed class LoadToolMonitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public LoadToolMonitor()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "load tool monitor" };
        _thread.Start();
    }

    /// <summary>Thread-pool queueing delay of the load tool, ms.</summary>
    public Samples LagMs { get; } = new();

    public long MaxPendingWorkItems { get; private set; }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Thread.Sleep(10);
            var queued = BenchClock.Now;
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Monitor.LagMs.Add(BenchClock.Milliseconds(state.Queued, BenchClock.Now)), (Monitor: this, Queued: queued), preferLocal: false);
            MaxPendingWorkItems = Math.Max(MaxPendingWorkItems, ThreadPool.PendingWorkItemCount);
        }
    }
}
