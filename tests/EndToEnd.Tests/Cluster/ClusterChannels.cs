using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// Channels for tests that disturb one master: named by where their slot is (they need channels on it and off it), and
/// pushed by a small ffmpeg ladder that goes on through upload errors, as an encoder in the field does.
/// </summary>
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

    /// <summary>ffmpeg pushing one 256x144 rendition and audio to <paramref name="channel"/> through the origin's Ingest.</summary>
    public static FfmpegEncoder Push(OriginHost origin, string channel) => FfmpegEncoder.Start(
        origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"),
        FfmpegEncoderSettings.Default with { Video = [new(256, 144, 150)], IgnoreIoErrors = true, Duration = TimeSpan.FromSeconds(90) });
}
