using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// An origin with one live channel that real ffmpeg pushes (<see cref="FfmpegEncoder"/>'s defaults: two video
/// renditions and audio, 2 s segments of 0.5 s chunks, target latency 1.5 s), ready once its first segment is stored.
/// </summary>
public class LiveChannelFixture(RedisServer redis) : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly string _channelName = "Browser";

    /// <summary>The same live channel on an origin started with <paramref name="settings"/>.</summary>
    protected LiveChannelFixture(RedisServer redis, IReadOnlyDictionary<string, string?> settings, string channelName)
        : this(redis)
    {
        _settings = settings;
        _channelName = channelName;
    }

    public OriginHost Origin { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    /// <summary>The manifest's URL on Delivery.</summary>
    public Uri ManifestUri => new(Origin.DeliveryUri, Encoder.ManifestPath);

    public async ValueTask InitializeAsync()
    {
        try
        {
            Origin = await OriginHost.StartAsync(redis, _settings);
            Encoder = FfmpegEncoder.Start(Origin.IngestUri, TestPaths.Channel(_channelName), new Uri(Origin.DeliveryUri, "/time"));
            await Publishing.WaitForFirstSegmentAsync(Origin, Encoder.Channel, Encoder.Process, TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        catch
        {
            // Leave no encoder running behind a fixture that failed to start.
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var (encoder, origin) = (Encoder, Origin);
        (Encoder, Origin) = (null!, null!);
        await LiveChannelTeardown.EndAsync(encoder, origin);
        GC.SuppressFinalize(this);
    }
}
