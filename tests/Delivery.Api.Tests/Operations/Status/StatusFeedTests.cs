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
    public void Instances_ListEachInstanceById_WithTheChannelsItServesAndItsRates()
    {
        DeliveryInstanceReport[] reports =
        [
            new()
            {
                InstanceId = "edge-b",
                Viewers = 3,
                DeliveredBitrateBps = 2_400_000,
                RedisReadsPerSecond = 10.5,
                Channels = { ["live/b"] = new ChannelDelivery { Viewers = 1 }, ["live/a"] = new ChannelDelivery { Viewers = 2 } },
            },
            new() { InstanceId = "edge-a", RedisReadsPerSecond = 0.5 },
        ];

        var instances = StatusFeed.Instances(reports);

        Assert.Equal(["edge-a", "edge-b"], instances.Select(i => i.Id));
        Assert.Empty(instances[0].Channels);
        Assert.Equal(0.5, instances[0].RedisReadsPerSecond);
        Assert.Equal((3, 2_400_000L, 10.5), (instances[1].Viewers, instances[1].DeliveredBitrate, instances[1].RedisReadsPerSecond));
        Assert.Equal([new ServedChannel("live/a", 2), new ServedChannel("live/b", 1)], instances[1].Channels);
    }

    [Fact]
    public void ServedBy_ListsTheInstancesThatDeliveredTheChannel_WithTheirViewersOfIt()
    {
        DeliveryInstanceReport Report(string id, params (string Channel, int Viewers)[] channels)
        {
            var report = new DeliveryInstanceReport { InstanceId = id };
            foreach (var (channel, viewers) in channels)
            {
                report.Channels[channel] = new ChannelDelivery { Viewers = viewers };
            }

            return report;
        }

        var reports = new[] { Report("edge-c", ("live/demo", 0)), Report("edge-b", ("live/other", 5)), Report("edge-a", ("live/demo", 4), ("live/other", 1)) };

        Assert.Equal([new ServingInstance("edge-a", 4), new ServingInstance("edge-c", 0)], StatusFeed.ServedBy("live/demo", reports));
        Assert.Empty(StatusFeed.ServedBy("live/nobody", reports));
    }

    [Fact]
    public void PassThrough_WithNoInstanceWritingTheChannel_IsZero() =>
        Assert.Equal((0, 0), StatusFeed.PassThrough("live/demo", [new DeliveryInstanceReport { InstanceId = "a" }]));
}
