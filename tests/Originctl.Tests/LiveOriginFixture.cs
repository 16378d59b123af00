using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests;

/// <summary>
/// An origin with its gRPC control plane and one channel that real ffmpeg pushes (two video renditions and audio),
/// shared by a test class: ready once the first segment is stored.
/// </summary>
public sealed class LiveOriginFixture(RedisServer redis) : IAsyncLifetime
{
    public OriginHost Origin { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    /// <summary>The options that point originctl at this origin with its admin token.</summary>
    public string[] Connect => ["--control", Origin.ControlUri.AbsoluteUri, "--token", Origin.AdminToken!];

    public async ValueTask InitializeAsync()
    {
        Origin = await OriginHost.StartAsync(redis);
        Encoder = FfmpegEncoder.Start(Origin.IngestUri, TestPaths.Channel("Originctl"), new Uri(Origin.DeliveryUri, "/time"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await Origin.IsCompleteAsync(Encoder.ManifestPath) || !await Origin.IsCompleteAsync(Encoder.SegmentPath(0, 1)))
        {
            if (Encoder.Process.HasExited)
            {
                throw new InvalidOperationException($"the encoder exited early.\n{Encoder.Process.Describe()}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Encoder is not null)
        {
            await Encoder.DisposeAsync();
        }

        if (Origin is not null)
        {
            await Origin.DisposeAsync();
        }
    }
}
