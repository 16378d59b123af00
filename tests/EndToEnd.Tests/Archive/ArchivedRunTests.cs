using System.Globalization;
using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Archive;

/// <summary>
/// What a user finds after the README's push ends: the event under <c>/&lt;channel&gt;/archive/</c>, a playable MP4 per
/// rendition downloaded from Delivery, and VOD manifests ffmpeg plays. Real ffmpeg, Ingest, Redis, writer, Delivery.
/// </summary>
public sealed class ArchivedRunTests(RedisServer redis) : IDisposable
{
    private static readonly TimeSpan PushDuration = TimeSpan.FromSeconds(30);

    private readonly string _archive = Directory.CreateTempSubdirectory("archive-run-").FullName;
    private readonly string _downloads = Directory.CreateTempSubdirectory("archive-downloads-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task PushThatEnded_IsListedAsOneFinalRun_WhoseFilesFfprobeReadsWhole_AndFfmpegDecodesWithoutError()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Ingest:HoldDeletedForArchive"] = "true",
            ["Archive:Directory"] = _archive,
        });
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:10" });
        var channel = TestPaths.Channel();
        await using (var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = PushDuration }))
        {
            Assert.Equal(0, await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(90), Cancellation));
        }

        var run = await ArchiveListing.FinalRunAsync(origin.Delivery, channel, TimeSpan.FromSeconds(40), Cancellation);
        Output?.WriteLine(run.ToString());
        Assert.Equal(3, run.GetProperty("tracks").GetArrayLength());
        Assert.InRange(run.GetProperty("duration").GetDouble(), PushDuration.TotalSeconds - 2, PushDuration.TotalSeconds + 2);

        foreach (var track in run.GetProperty("tracks").EnumerateArray())
        {
            var id = track.GetProperty("id").GetString()!;
            var file = Path.Combine(_downloads, $"{id}.mp4");
            using (var response = await origin.Delivery.GetAsync(new Uri(track.GetProperty("url").GetString()!, UriKind.Relative), Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(track.GetProperty("bytes").GetInt64(), response.Content.Headers.ContentLength);
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(Cancellation), Cancellation);
            }

            // Within one segment (2 s) of the push: ffmpeg's exit may cut its last segment.
            var duration = await MediaTool.ProbeAsync(file, "format=duration", Cancellation);
            Assert.InRange(duration, PushDuration.TotalSeconds - 2, PushDuration.TotalSeconds + 0.1);
            var (exitCode, _, errors) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], Cancellation);
            Assert.True(exitCode == 0 && errors.Length == 0, $"ffmpeg decoding track {id}: {errors}");
            if (track.GetProperty("contentType").GetString() == "video")
            {
                var frames = await MediaTool.ProbeAsync(file, "stream=nb_read_frames", Cancellation, options: ["-count_frames", "-select_streams", "v:0"]);
                Assert.Equal(Math.Round(duration * FfmpegEncoderSettings.Default.FrameRate), frames);
            }

            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"track {id}: {new FileInfo(file).Length} bytes, {duration:0.000} s"));
        }

        // The VOD manifests, played over HTTP from Delivery by ffmpeg as a client.
        foreach (var manifest in new[] { run.GetProperty("mpd").GetString()!, run.GetProperty("hls").GetString()! })
        {
            var url = new Uri(origin.DeliveryUri, manifest).AbsoluteUri;
            var (exitCode, _, errors) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", url, "-map", "0", "-f", "null", "-"], Cancellation);
            Assert.True(exitCode == 0 && errors.Length == 0, $"ffmpeg playing {url}: {errors}");
        }
    }

    public void Dispose()
    {
        Directory.Delete(_archive, recursive: true);
        Directory.Delete(_downloads, recursive: true);
    }
}
