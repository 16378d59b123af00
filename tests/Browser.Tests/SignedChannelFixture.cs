using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// <see cref="LiveChannelFixture"/>'s live channel on an origin with signed playback on: every object request
/// needs a token signed with <see cref="Key"/>.
/// </summary>
public sealed class SignedChannelFixture(RedisServer redis) : IAsyncLifetime
{
    public const string Key = "browser-test-playback-key-5e1f0c3a9d7b";

    public OriginHost Origin { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        try
        {
            Origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Delivery:SignedPlayback:Key"] = Key });
            Encoder = FfmpegEncoder.Start(Origin.IngestUri, TestPaths.Channel("Signed"), new Uri(Origin.DeliveryUri, "/time"));
            await Publishing.WaitForFirstSegmentAsync(Origin, Encoder.Channel, Encoder.Process, TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Encoder is { } encoder)
        {
            Encoder = null!;
            await encoder.StopAsync(CancellationToken.None);
            await encoder.DisposeAsync();
        }

        if (Origin is { } origin)
        {
            Origin = null!;
            await origin.DisposeAsync();
        }
    }
}
