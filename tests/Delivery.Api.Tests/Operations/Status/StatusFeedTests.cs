using CmafOrigin.Contracts.V1;
using CmafOrigin.Delivery.Status;

namespace CmafOrigin.Delivery.Tests.Status;

public sealed class StatusFeedTests
{
    [Fact]
    public void PassThrough_WeighsMediansByViewers_AndTakesTheWorstP99()
    {
        DeliveryInstanceReport Report(string id, int viewers, double p50, double p99) => new()
        {
            InstanceId = id,
            Channels = { ["live/demo"] = new ChannelDelivery { Viewers = viewers, PassThroughP50Ms = p50, PassThroughP99Ms = p99 } },
        };

        var (p50, p99) = StatusFeed.PassThrough("live/demo", [Report("a", 3, 2, 10), Report("b", 1, 6, 40), new DeliveryInstanceReport { InstanceId = "c" }]);

        Assert.Equal(3, p50, 6);
        Assert.Equal(40, p99);
    }

    [Fact]
    public void PassThrough_WithNoInstanceWritingTheChannel_IsZero() =>
        Assert.Equal((0, 0), StatusFeed.PassThrough("live/demo", [new DeliveryInstanceReport { InstanceId = "a" }]));
}
