using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Adds up a counter of one service's meters as it is incremented. Several hosts in one test process create meters
/// of the same name, and a Prometheus scrape may show another host's series; this listener keeps to the
/// instruments created by the given services' own <see cref="IMeterFactory"/>.
/// </summary>
public sealed class InstrumentCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(long Total, TaskCompletionSource Reached)> _waiters = [];
    private long _total;

    public InstrumentCounter(IServiceProvider services, string instrument)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Add(value));
        _listener.Start();
    }

    /// <summary>The sum of the measurements since this counter was created.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>
    /// Waits until the sum reaches <paramref name="total"/> (a measurement may land just after what the test
    /// observes, e.g. after the connection it counts was reset); false if it did not within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForAsync(long total, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource reached;
        lock (_gate)
        {
            if (Total >= total)
            {
                return true;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((total, reached));
        }

        return await reached.Task.WaitAsync(timeout, cancellationToken).ContinueWith(task => task.IsCompletedSuccessfully, TaskScheduler.Default);
    }

    public void Dispose() => _listener.Dispose();

    private void Add(long value)
    {
        lock (_gate)
        {
            var total = Interlocked.Add(ref _total, value);
            _waiters.RemoveAll(waiter => waiter.Total <= total && waiter.Reached.TrySetResult());
        }
    }
}
