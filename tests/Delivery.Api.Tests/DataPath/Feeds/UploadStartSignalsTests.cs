using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
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
    public async Task AStartThatDescribesItsVersion_BindsWaitersToIt_AsItsBeginWroteIt()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        using var waiter = signals.Register("live/a/x.m4s");
        var path = ObjectPath.Parse("/live/a/x.m4s");

        signals.Signal("live/a/x.m4s", "v1", new UploadBegun
        {
            ContentType = "video/iso.segment",
            CreatedUnixMs = 1_764_000_000_000,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            IdleTimeoutMs = 30_000,
            TimeToLiveMs = 90_000,
        });

        var version = (await waiter.Started).Bound(path);
        Assert.NotNull(version);
        Assert.Equal(("v1", path), (version.Version, version.Path));
        Assert.Equal(TimeSpan.FromSeconds(90), version.TimeToLive);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        Assert.Equal(
            new ObjectMeta("video/iso.segment", ObjectState.Uploading, 0, 0, created, created, null, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TimeSpan.FromSeconds(30)),
            version.Meta);
    }

    [Fact]
    public async Task AStartThatOnlyNamesItsVersion_LeavesItToBeLookedUp()
    {
        var signals = new UploadStartSignals(TimeProvider.System);
        using var waiter = signals.Register("live/a/init-stream0.m4s");

        // A restored init segment's STARTED, or one from an Ingest that does not describe its versions.
        signals.Signal("live/a/init-stream0.m4s", "v1");

        var start = await waiter.Started;
        Assert.Equal("v1", start.Version);
        Assert.Null(start.Bound(ObjectPath.Parse("/live/a/init-stream0.m4s")));
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
