using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Commands;
using Google.Protobuf.WellKnownTypes;

namespace CmafOrigin.Originctl.Tests.Commands;

public sealed class StatsCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_ShowsEachInstanceOnItsOwnLines_WithItsBitrateOutRedisReadsAndTheChannelsItServes()
    {
        var output = new StringWriter();

        StatsCommand.Write(Stats(), output, Now);

        var lines = output.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Contains("Delivered           3.20 Mb/s", lines);
        Assert.Contains("Delivery instances  2", lines);
        Assert.Contains("Redis reads/s       12.5", lines);
        var table = lines[Array.FindIndex(lines, l => l.StartsWith("INSTANCE", StringComparison.Ordinal))..];
        Assert.Equal(
            [
                "INSTANCE  VIEWERS        OUT  REDIS R/S  DELIVERED  REPORTED   CHANNEL  CH VIEWERS     P50      P99",
                "edge-a          3  2.40 Mb/s       10.0    1.0 MiB  0.5 s ago  live/a            2  1.5 ms  20.0 ms",
                "                                                               live/b            1  2.0 ms   9.0 ms",
                "edge-b          0   800 kb/s        2.5        0 B  1.0 s ago  -",
            ],
            table);
    }

    private static OriginStats Stats() => new()
    {
        LiveChannels = 2,
        Viewers = 3,
        DeliveryInstances =
        {
            new DeliveryInstanceReport
            {
                InstanceId = "edge-b",
                ReportedAt = Timestamp.FromDateTimeOffset(Now.AddSeconds(-1)),
                DeliveredBitrateBps = 800_000,
                RedisReadsPerSecond = 2.5,
            },
            new DeliveryInstanceReport
            {
                InstanceId = "edge-a",
                Viewers = 3,
                DeliveredBytes = 1 << 20,
                DeliveredBitrateBps = 2_400_000,
                RedisReadsPerSecond = 10,
                ReportedAt = Timestamp.FromDateTimeOffset(Now.AddMilliseconds(-500)),
                Channels =
                {
                    ["live/b"] = new ChannelDelivery { Viewers = 1, PassThroughP50Ms = 2, PassThroughP99Ms = 9 },
                    ["live/a"] = new ChannelDelivery { Viewers = 2, PassThroughP50Ms = 1.5, PassThroughP99Ms = 20 },
                },
            },
        },
    };
}
