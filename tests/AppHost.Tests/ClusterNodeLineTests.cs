using CmafOrigin.AppHost.Redis;

namespace CmafOrigin.AppHost.Tests;

public sealed class ClusterNodeLineTests
{
    [Fact]
    public void ParseAll_ClusterNodesOfRedis7_ReadsIdsPortsRolesAndOwnedSlots()
    {
        const string Nodes = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,box slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,box myself,master - 0 0 1 connected 0-5460 5462 [5461->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
            292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f :0@0 master,noaddr - 1426238316232 0 0 disconnected
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 handshake - 0 0 0 connected

            """;

        var lines = ClusterNodeLine.ParseAll(Nodes);

        Assert.Equal(4, lines.Count);
        var replica = lines[0];
        Assert.Equal(30004, replica.Port);
        Assert.True(replica.IsReplica);
        Assert.Equal("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", replica.MasterId);

        var myself = lines[1];
        Assert.True(myself.IsMyself && myself.IsMaster && myself.IsSettled);
        Assert.Null(myself.MasterId);
        Assert.Equal([(0, 5460), (5462, 5462)], myself.Slots);
        Assert.True(myself.Serves(5460));
        // A bracketed entry tells of a migration in progress; what the node owns is in its ranges only.
        Assert.False(myself.Serves(5461));

        Assert.False(lines[2].IsSettled);
        Assert.Equal(0, lines[2].Port);
        Assert.False(lines[3].IsSettled);
    }

    [Fact]
    public void SlotRange_ThreeMasters_CoverEverySlotOnce()
    {
        var ranges = Enumerable.Range(0, 3).Select(i => RedisClusterFormation.SlotRange(i, 3)).ToList();

        Assert.Equal(0, ranges[0].First);
        Assert.Equal(RedisClusterFormation.Slots - 1, ranges[^1].Last);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.Last + 1, pair.Second.First));
    }
}
