using System.Globalization;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// Redis killed with SIGKILL under a live ladder and restarted empty: a viewer who opens the channel afterwards plays it,
/// although the encoder uploaded its init segments once, before the loss, and was never restarted.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class RedisDataLossPlaybackTests(Chromium chromium)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task NewViewerAfterRedisRestartedEmpty_PlaysTheLadderWithoutErrors()
    {
        // A Redis of its own, without persistence (as the AppHost runs it): the assembly's shared one must stay up.
        await using var redis = await RedisServer.StartDedicatedAsync(persistent: false);
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { IgnoreIoErrors = true, Duration = TimeSpan.FromSeconds(90) });
        await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, TimeSpan.FromSeconds(30), Cancellation);
        await Task.Delay(TimeSpan.FromSeconds(6), Cancellation);

        var up = await redis.KillAndRestartAsync(TimeSpan.FromSeconds(4), Cancellation);

        // Three segment durations after Redis is back, as the issue asks, a new viewer opens the channel.
        await Task.Delay(TimeSpan.FromSeconds(6), Cancellation);
        Assert.False(encoder.Process.HasExited, $"the encoder gave up.\n{encoder.Process.Describe()}");
        var manifest = new Uri(origin.DeliveryUri, encoder.ManifestPath);
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(manifest.AbsoluteUri)));
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(20), Cancellation);
        var started = up.Elapsed;
        var report = await playback.RecordAsync(TimeSpan.FromSeconds(8), Cancellation);

        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"playing {started.TotalSeconds:0.0} s after Redis came back empty"));
        Output?.WriteLine(report.Summary(TimeSpan.FromSeconds(3)));
        Output?.WriteLine(report.Timeline());
        Assert.True(report.MediaFailures.Count == 0, $"media requests failed:\n{string.Join('\n', report.MediaFailures)}\n{report.Timeline()}");
        Assert.True(report.PlayerErrors.Count == 0, $"dash.js reported errors:\n{string.Join('\n', report.PlayerErrors)}\n{report.Timeline()}");
        Assert.True(report.Advance >= 6, $"the video advanced {report.Advance:0.00} s in {report.Duration.TotalSeconds:0.0} s.\n{report.Timeline()}");
    }
}
