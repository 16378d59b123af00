using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>Channel names chosen by where their slot is: a test that disturbs one master needs channels on and off it.</summary>
internal static class ClusterChannels
{
    /// <summary>A channel name of its own (<see cref="TestPaths.Channel"/>) whose slot is on a master <paramref name="accept"/> takes.</summary>
    public static async Task<string> OnMasterAsync(RedisCluster cluster, OriginHost origin, string test, Func<int, bool> accept)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var channel = TestPaths.Channel(test);
            if (accept(await cluster.MasterServingAsync(origin.Keys.Channel(channel))))
            {
                return channel;
            }
        }

        throw new InvalidOperationException("no channel name landed on an acceptable master in 100 tries");
    }
}
