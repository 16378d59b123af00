using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>
/// One live channel pushed by real ffmpeg (two video renditions and audio, 2 s segments of 0.5 s chunks) on an origin
/// with two Delivery instances, ready once its first segment is stored. Shared by a test class: a push costs two cores.
/// </summary>
public sealed class LiveHlsFixture(RedisServer redis) : IAsyncLifetime
{
    public OriginHost Origin { get; private set; } = null!;

    public DeliveryInstance SecondDelivery { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    /// <summary>The multivariant playlist's path, with leading slash.</summary>
    public string MultivariantPath => $"/{Encoder.Channel}/out.m3u8";

    /// <summary>The media playlist of DASH representation <paramref name="rendition"/>, with leading slash.</summary>
    public string MediaPlaylistPath(int rendition) => $"/{Encoder.Channel}/out-llhls-{rendition}.m3u8";

    public async ValueTask InitializeAsync()
    {
        try
        {
            Origin = await OriginHost.StartAsync(redis);
            SecondDelivery = await Origin.StartDeliveryAsync();
            Encoder = FfmpegEncoder.Start(Origin.IngestUri, TestPaths.Channel("LiveHls"), new Uri(Origin.DeliveryUri, "/time"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!(await Origin.CurrentMetaAsync(Encoder.SegmentPath(2, 1)) is { State: ObjectState.Complete }))
            {
                await Task.Delay(100, timeout.Token);
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var (encoder, second, origin) = (Encoder, SecondDelivery, Origin);
        (Encoder, SecondDelivery, Origin) = (null!, null!, null!);
        await LiveChannelTeardown.EndAsync(encoder, second, origin);
    }
}
