using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// The origin on a real Redis Cluster (three masters, a replica each): two Ingest and three Delivery instances, ffmpeg
/// pushing a ladder to the first Ingest and a second channel to the second. The channels are named so that they land
/// on different masters, and the ladder on a master where no Delivery instance subscribed to the events (when one is
/// free of them): its wake-ups reach them only across the cluster bus.
/// </summary>
public sealed class ClusterOriginFixture : IAsyncLifetime
{
    /// <summary>
    /// Short retentions, the same for every instance: what an encoder leaves behind expires within a test, and a
    /// completed segment still outlives the manifest's window (3 segments of 2 s) for a player joining late.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Ingest:CompletedRetention"] = "00:00:10",
        ["Ingest:AbortedRetention"] = "00:00:02",
    };

    private readonly List<DeliveryInstance> _moreDeliveries = [];

    public RedisCluster Cluster { get; private set; } = null!;

    /// <summary>The first Ingest and the first Delivery instance.</summary>
    public OriginHost Origin { get; private set; } = null!;

    public IngestInstance SecondIngest { get; private set; } = null!;

    /// <summary>A client of each of the three Delivery instances.</summary>
    public IReadOnlyList<HttpClient> Deliveries => [Origin.Delivery, .. _moreDeliveries.Select(delivery => delivery.Client)];

    /// <summary>How many Delivery instances subscribed to <see cref="ObjectKeys.Events"/> on each node that has any, by client port.</summary>
    public IReadOnlyDictionary<int, long> Subscriptions { get; private set; } = null!;

    /// <summary>Two video renditions and audio, pushed to the first Ingest.</summary>
    public FfmpegEncoder Ladder { get; private set; } = null!;

    /// <summary>One small rendition and audio, pushed to the second Ingest.</summary>
    public FfmpegEncoder Second { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            Cluster = await RedisCluster.StartAsync(timeout.Token);
            Origin = await OriginHost.StartAsync(Cluster, Settings);
            SecondIngest = await Origin.StartIngestAsync(Settings);
            _moreDeliveries.Add(await Origin.StartDeliveryAsync(Settings));
            _moreDeliveries.Add(await Origin.StartDeliveryAsync(Settings));

            // Healthy means subscribed (Delivery's "events" check). The client picks the node (by the channel's slot once it
            // knows the slot map, any node before): classic pub/sub delivers to a subscriber on any node.
            Subscriptions = (await Cluster.SubscribersAsync(Origin.Keys.Events.ToString())).Where(node => node.Value > 0).ToDictionary();
            Assert.True(Subscriptions.Values.Sum() == 3, $"expected 3 Delivery instances subscribed, got {string.Join(", ", Subscriptions)}");
            var quiet = (await Cluster.MasterPortsAsync()).Where(master => !Subscriptions.ContainsKey(master)).ToList();

            var ladder = await ChannelAsync("ClusterLadder", master => quiet.Count == 0 || quiet.Contains(master));
            var ladderMaster = await MasterOfAsync(ladder);
            var second = await ChannelAsync("ClusterSecond", master => master != ladderMaster);
            Ladder = FfmpegEncoder.Start(Origin.IngestUri, ladder, new Uri(Origin.DeliveryUri, "/time"));
            Second = FfmpegEncoder.Start(
                SecondIngest.Uri, second, new Uri(Deliveries[2].BaseAddress!, "/time"),
                FfmpegEncoderSettings.Default with { Video = [new(256, 144, 150)] });

            foreach (var encoder in new[] { Ladder, Second })
            {
                while (!(await Origin.IsCompleteAsync(encoder.ManifestPath) && await Origin.IsCompleteAsync(encoder.SegmentPath(0, 1))))
                {
                    Assert.False(encoder.Process.HasExited, $"the encoder exited.\n{encoder.Process.Describe()}");
                    await Task.Delay(100, timeout.Token);
                }
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>The client port of the master serving <paramref name="channel"/>'s hash tag.</summary>
    public Task<int> MasterOfAsync(string channel) => Cluster.MasterServingAsync(Origin.Keys.Channel(channel));

    /// <summary>A channel name of its own (<see cref="TestPaths.Channel"/>) whose slot is on a master <paramref name="accept"/> takes.</summary>
    public async Task<string> ChannelAsync(string test, Func<int, bool> accept)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var channel = TestPaths.Channel(test);
            if (accept(await MasterOfAsync(channel)))
            {
                return channel;
            }
        }

        throw new InvalidOperationException("no channel name landed on an acceptable master in 100 tries");
    }

    public async ValueTask DisposeAsync()
    {
        // The encoders are killed, not stopped: what a clean exit leaves is the business of one test, on a channel of its own.
        // Called again by xunit after a failed InitializeAsync disposed it: each part goes once.
        foreach (var encoder in new[] { Ladder, Second })
        {
            if (encoder is not null)
            {
                await encoder.DisposeAsync();
            }
        }

        foreach (var delivery in _moreDeliveries)
        {
            await delivery.DisposeAsync();
        }

        _moreDeliveries.Clear();
        if (SecondIngest is { } secondIngest)
        {
            SecondIngest = null!;
            await secondIngest.DisposeAsync();
        }

        if (Origin is { } origin)
        {
            Origin = null!;
            await origin.DisposeAsync();
        }

        if (Cluster is { } cluster)
        {
            Cluster = null!;
            await cluster.DisposeAsync();
        }
    }
}
