using CmafOrigin.Delivery.Feeds;

namespace CmafOrigin.Delivery.Tests.Feeds;

public sealed class UploadStartSignalsTests
{
    [Fact]
    public async Task Signal_WakesEveryWaiterOfThePath_WithTheVersionThatStarted_AndOnlyThatPath()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        using var first = signals.Register("live/a/x.m4s");
        using var second = signals.Register("live/a/x.m4s");
        using var other = signals.Register("live/a/y.m4s");

        signals.Signal("live/a/x.m4s", "v1");

        Assert.True(first.Started.IsCompletedSuccessfully);
        Assert.Equal("v1", (await first.Started).Version);
        Assert.Equal("v1", (await second.Started).Version);
        Assert.False(other.Started.IsCompleted);
    }

    [Fact]
    public void AWaiterGivingUp_DoesNotStopTheSignalForOthers()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        var leaving = signals.Register("live/a/x.m4s");
        using var staying = signals.Register("live/a/x.m4s");

        leaving.Dispose();
        signals.Signal("live/a/x.m4s", "v1");

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
