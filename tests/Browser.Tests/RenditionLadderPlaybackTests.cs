using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// The seed's kind of stream, three video renditions and two audio renditions, through /player, while the
/// player's adaptive bitrate logic switches video renditions down and back up at low latency.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class RenditionLadderPlaybackTests(RedisServer redis, Chromium chromium)
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task PlayerPage_PlaysThreeVideoAndTwoAudioRenditions_SwitchingWithoutStalls()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        // Small pictures, one x264 thread each: three encodes and a decoding browser on two cores.
        var video = FfmpegEncoderSettings.Default with
        {
            Video = [new(426, 240, 400), new(320, 180, 250), new(256, 144, 150)],
            Duration = TimeSpan.FromSeconds(90),
        };
        await using var encoder = FfmpegLadderEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"), video, [96, 48]);
        await Publishing.WaitForFirstSegmentAsync(origin, encoder.Channel, encoder.Process, TimeSpan.FromSeconds(30), Cancellation);

        var manifest = new Uri(origin.DeliveryUri, encoder.ManifestPath);
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(manifest.AbsoluteUri)));
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(30), Cancellation);
        var renditions = await playback.EvaluateAsync(
            "() => JSON.stringify(['video', 'audio'].map((type) => `${type}: ${window.originPlayer.player.getRepresentationsByType(type).map((r) => r.bandwidth / 1000 + 'k').join(' ')}`))",
            Cancellation);

        // Over loopback the bitrate logic picks the top rendition and stays; a cap makes it switch down, lifting it switches back up.
        var report = await playback.RecordAsync(TimeSpan.FromSeconds(20), Cancellation, sample => sample switch
        {
            6 => playback.EvaluateAsync("() => { window.originPlayer.player.updateSettings({ streaming: { abr: { maxBitrate: { video: 200 } } } }); return ''; }", Cancellation),
            13 => playback.EvaluateAsync("() => { window.originPlayer.player.updateSettings({ streaming: { abr: { maxBitrate: { video: -1 } } } }); return ''; }", Cancellation),
            _ => Task.CompletedTask,
        });
        var screenshot = await playback.SaveScreenshotAsync(nameof(PlayerPage_PlaysThreeVideoAndTwoAudioRenditions_SwitchingWithoutStalls));
        Output?.WriteLine($"renditions {renditions}");
        Output?.WriteLine(report.Summary(WarmUp));
        Output?.WriteLine($"screenshot: {screenshot}");
        Output?.WriteLine(report.Timeline());

        // Down under the cap, and back up without it.
        Assert.True(
            report.Bitrates.Count >= 3 && report.Bitrates[1] < report.Bitrates[0] && report.Bitrates[^1] > report.Bitrates[1],
            $"the player did not switch down and back up.\n{report.Timeline()}");
        report.AssertSmooth(maximumLatency: 2.0, WarmUp, minimumAdvance: 15);
    }
}
