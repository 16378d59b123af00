using System.Globalization;
using System.Text.Json;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// dash.js in Chromium on the archive: a finished run's VOD manifest played from the start, then seeked to the middle
/// and to the end; and, during a live push with a DVR window, a viewer seeking a minute behind live into segments the
/// encoder has already deleted, then back to live.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class ArchivePlaybackTests(Chromium chromium, RedisServer redis) : IDisposable
{
    private readonly string _archive = Directory.CreateTempSubdirectory("browser-archive-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task VodOfAFinishedRun_PlaysFromTheStart_SeeksToTheMiddleAndToTheEnd_WithoutErrors()
    {
        await using var origin = await StartOriginAsync(dvrWindow: null);
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:05" });
        var channel = TestPaths.Channel();
        await using (var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(20) }))
        {
            Assert.Equal(0, await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation));
        }

        var mpd = (await ArchiveListing.FinalRunAsync(origin.Delivery, channel, TimeSpan.FromSeconds(40), Cancellation)).GetProperty("mpd").GetString()!;
        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(new Uri(origin.DeliveryUri, mpd).AbsoluteUri)));
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(20), Cancellation);
        var duration = double.Parse(await playback.EvaluateAsync("() => String(window.originPlayer.player.duration())", Cancellation), CultureInfo.InvariantCulture);
        Assert.Equal("false", await playback.EvaluateAsync("() => String(window.originPlayer.player.isDynamic())", Cancellation));
        Assert.InRange(duration, 17.5, 20.5);

        var start = await playback.RecordAsync(TimeSpan.FromSeconds(3), Cancellation);
        Assert.True(start.Samples[0].CurrentTime < 3, start.Timeline());

        await playback.EvaluateAsync(string.Create(CultureInfo.InvariantCulture, $"() => {{ window.originPlayer.player.seek({duration / 2:0.0}); return ''; }}"), Cancellation);
        var middle = await playback.RecordAsync(TimeSpan.FromSeconds(4), Cancellation);
        Assert.True(middle.Samples[^1].CurrentTime > duration / 2 + 1, middle.Timeline());

        await playback.EvaluateAsync(string.Create(CultureInfo.InvariantCulture, $"() => {{ window.originPlayer.player.seek({duration - 2:0.0}); return ''; }}"), Cancellation);
        await playback.Page.WaitForFunctionAsync("() => window.originPlayer.video.ended", null, new() { Timeout = 15_000, PollingInterval = 200 });

        var end = await playback.RecordAsync(TimeSpan.FromSeconds(1), Cancellation);
        foreach (var report in new[] { start, middle, end })
        {
            Assert.True(report.MediaFailures.Count == 0, $"media requests failed:\n{string.Join('\n', report.MediaFailures)}");
            Assert.True(report.PlayerErrors.Count == 0, $"dash.js reported errors:\n{string.Join('\n', report.PlayerErrors)}");
        }
    }

    [Fact]
    public async Task LiveViewerWithADvrWindow_SeeksAMinuteBack_IntoSegmentsTheEncoderDeleted_ThenReturnsToLive()
    {
        await using var origin = await StartOriginAsync(dvrWindow: "00:10:00");
        await using var writer = await origin.StartArchiveWriterAsync(_archive);
        var channel = TestPaths.Channel();
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(120) });
        await Publishing.WaitForFirstSegmentAsync(origin, channel, encoder.Process, TimeSpan.FromSeconds(30), Cancellation);
        // ffmpeg keeps 3 + 3 segments and DELETEs older ones: after 75 s the first ~30 segments are gone from its window.
        await Task.Delay(TimeSpan.FromSeconds(75), Cancellation);
        Assert.False(encoder.Process.HasExited, encoder.Process.Describe());

        await using var playback = await PlaybackPage.OpenAsync(chromium, new Uri(origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(new Uri(origin.DeliveryUri, encoder.ManifestPath).AbsoluteUri)));
        await playback.WaitForPlaybackAsync(TimeSpan.FromSeconds(20), Cancellation);
        using (var dvr = JsonDocument.Parse(await playback.EvaluateAsync("() => JSON.stringify(window.originPlayer.player.getDvrWindow())", Cancellation)))
        {
            Assert.True(dvr.RootElement.GetProperty("size").GetDouble() > 60, dvr.RootElement.ToString());
        }

        // A viewer going back in time stays there: no catching up to the live edge.
        var back = await playback.EvaluateAsync("""
            () => {
              const { player } = window.originPlayer;
              player.updateSettings({ streaming: { liveCatchup: { enabled: false } } });
              const target = player.getDvrWindow().end - 60;
              player.seek(target);
              return String(target);
            }
            """, Cancellation);
        var behind = await playback.RecordAsync(TimeSpan.FromSeconds(8), Cancellation);
        Output?.WriteLine($"seeked to {back}\n{behind.Timeline()}");
        Assert.True(behind.Samples[^1].Latency > 50, behind.Timeline());
        Assert.True(behind.Advance >= 4, behind.Timeline());
        var deleted = playback.Responses
            .Where(r => r.Status == 200 && r.Url.AbsolutePath.Contains("/chunk-stream0-", StringComparison.Ordinal))
            .Select(r => SegmentNumber(r.Url))
            .Where(n => n < 25)
            .ToList();
        Assert.True(deleted.Count > 0, "no segment older than ffmpeg's window was played");
        Assert.Null(await origin.CurrentMetaAsync($"/{channel}/chunk-stream0-{deleted[0]:00000}.m4s"));

        await playback.EvaluateAsync("""
            () => {
              const { player } = window.originPlayer;
              player.updateSettings({ streaming: { liveCatchup: { enabled: true } } });
              player.seek(player.getDvrWindow().end);
              return '';
            }
            """, Cancellation);
        var live = await playback.RecordAsync(TimeSpan.FromSeconds(8), Cancellation);
        Output?.WriteLine(live.Timeline());
        Assert.True(live.Samples[^1].Latency < 6, live.Timeline());
        foreach (var report in new[] { behind, live })
        {
            Assert.True(report.MediaFailures.Count == 0, $"media requests failed:\n{string.Join('\n', report.MediaFailures)}");
            Assert.True(report.PlayerErrors.Count == 0, $"dash.js reported errors:\n{string.Join('\n', report.PlayerErrors)}");
        }
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);

    private Task<OriginHost> StartOriginAsync(string? dvrWindow)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ingest:HoldDeletedForArchive"] = "true",
            ["Archive:Directory"] = _archive,
        };
        if (dvrWindow is not null)
        {
            settings["Delivery:DvrWindow"] = dvrWindow;
        }

        return OriginHost.StartAsync(redis, settings);
    }

    private static long SegmentNumber(Uri url)
    {
        var name = Path.GetFileNameWithoutExtension(url.AbsolutePath);
        return long.Parse(name[(name.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
    }
}
