using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A fake clock that tells when the code under test arms a timer for a given delay, so a test advances time only
/// once something waits on it: timeouts are tested without sleeping and without racing the code that arms them.
/// </summary>
public sealed class ObservedClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ObservedTimer> _armed = [];
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _waiters = [];

    /// <summary>Completes when a timer is armed for <paramref name="due"/>: at once if one is armed now, else at the next arming.</summary>
    public Task WhenArmedAsync(TimeSpan due)
    {
        lock (_gate)
        {
            if (_armed.Any(timer => timer.Due == due))
            {
                return Task.CompletedTask;
            }

            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, armed));
            return armed.Task;
        }
    }

    /// <summary>Waits until a timer is armed for <paramref name="due"/>, then moves the clock past it.</summary>
    public async Task FireAsync(TimeSpan due, CancellationToken cancellationToken)
    {
        await WhenArmedAsync(due).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Advance(due);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(this);
        timer.Inner = base.CreateTimer(
            s =>
            {
                if (period == Timeout.InfiniteTimeSpan)
                {
                    Armed(timer, null);
                }

                callback(s);
            },
            state,
            dueTime,
            period);
        Armed(timer, dueTime);
        return timer;
    }

    private void Armed(ObservedTimer timer, TimeSpan? due)
    {
        List<TaskCompletionSource> woken = [];
        lock (_gate)
        {
            timer.Due = due == Timeout.InfiniteTimeSpan ? null : due;
            if (timer.Due is null)
            {
                _armed.Remove(timer);
                return;
            }

            _armed.Add(timer);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Due == timer.Due)
                {
                    woken.Add(_waiters[i].Armed);
                    _waiters.RemoveAt(i);
                }
            }
        }

        woken.ForEach(armed => armed.TrySetResult());
    }

    private sealed class ObservedTimer(ObservedClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public TimeSpan? Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // Armed only once the fake timer is: a test that then advances the clock must fire it.
            var changed = Inner.Change(dueTime, period);
            clock.Armed(this, dueTime);
            return changed;
        }

        public void Dispose()
        {
            clock.Armed(this, null);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock.Armed(this, null);
            return Inner.DisposeAsync();
        }
    }
}
