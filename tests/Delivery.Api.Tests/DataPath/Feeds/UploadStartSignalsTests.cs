using CmafOrigin.Delivery.Feeds;

namespace CmafOrigin.Delivery.Tests.Feeds;

public sealed class UploadStartSignalsTests
{
    [Fact]
    public void Signal_WakesEveryWaiterOfThePath_AndOnlyThatPath()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        using var first = signals.Register("live/a/x.m4s");
        using var second = signals.Register("live/a/x.m4s");
        using var other = signals.Register("live/a/y.m4s");

        signals.Signal("live/a/x.m4s");

        Assert.True(first.Started.IsCompletedSuccessfully);
        Assert.True(second.Started.IsCompletedSuccessfully);
        Assert.False(other.Started.IsCompleted);
    }

    [Fact]
    public void AWaiterGivingUp_DoesNotStopTheSignalForOthers()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        var leaving = signals.Register("live/a/x.m4s");
        using var staying = signals.Register("live/a/x.m4s");

        leaving.Dispose();
        signals.Signal("live/a/x.m4s");

        Assert.True(staying.Started.IsCompletedSuccessfully);
    }

    [Fact]
    public void LastWaiterLeaving_ForgetsThePath()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        var registration = signals.Register("live/a/x.m4s");

        registration.Dispose();
        registration.Dispose();

        Assert.Equal(0, signals.Count);
    }
}
