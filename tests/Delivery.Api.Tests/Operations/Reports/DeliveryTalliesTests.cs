using CmafOrigin.Delivery.Reports;

namespace CmafOrigin.Delivery.Tests.Reports;

public sealed class DeliveryTalliesTests
{
    [Fact]
    public void ViewerStarted_CountsTheChannelAndTheInstance()
    {
        var tallies = new DeliveryTallies();

        var demo = tallies.ViewerStarted("live/demo");
        tallies.ViewerStarted("live/demo");
        tallies.ViewerStarted("live/other").RemoveViewer();
        demo.Delivered(100);

        Assert.Equal(2, demo.Viewers);
        Assert.Equal(2, tallies.Instance.Viewers);
        Assert.Equal(100, tallies.Instance.DeliveredBytes);
    }

    [Fact]
    public void TakePeakViewers_RemembersTheMostOpenAtOnceSinceTheLastTake()
    {
        var tallies = new DeliveryTallies();
        var first = tallies.ViewerStarted("live/demo");
        tallies.ViewerStarted("live/demo");
        first.RemoveViewer();
        first.RemoveViewer();

        Assert.Equal(2, first.TakePeakViewers());
        Assert.Equal(0, first.TakePeakViewers());
    }

    [Fact]
    public void Retire_KeepsATallyWithAViewer_AndDropsAnIdleOne()
    {
        var tallies = new DeliveryTallies();
        var watched = tallies.ViewerStarted("live/watched");
        var idle = tallies.ViewerStarted("live/idle");
        idle.RemoveViewer();

        tallies.Retire(watched);
        tallies.Retire(idle);

        Assert.Equal(["live/watched"], tallies.Channels.Select(t => t.Channel));
        // A viewer arriving after the retirement gets a fresh tally, counted again.
        var again = tallies.ViewerStarted("live/idle");
        Assert.NotSame(idle, again);
        Assert.Equal(1, again.Viewers);
        Assert.Equal(2, tallies.Instance.Viewers);
    }

    [Fact]
    public void Delivered_AllocatesNothing()
    {
        var tally = new DeliveryTallies().ViewerStarted("live/demo");
        // Once, to run one-time initialisation (the comparer behind the bucket search) before counting.
        tally.Delivered(1);
        tally.PassThrough.Record(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            tally.Delivered(1000);
            tally.PassThrough.Record(3.5);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
