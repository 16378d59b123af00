using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>ffmpeg killed (SIGKILL) in the middle of a segment, then started again on the same channel, while the archive writes.</summary>
public sealed class ArchiveEncoderRestartTests(RedisServer redis) : IDisposable
{
    private readonly string _archive = Directory.CreateTempSubdirectory("archive-restart-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EncoderKilledAndRestarted_EndsTheRunWithItsAbortedSegmentAsAGap_AndStartsAnother()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:HoldDeletedForArchive"] = "true" });
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:08" });
        var channel = TestPaths.Channel();
        var archive = new ArchiveOnDisk(_archive, channel);
        var utcTiming = new Uri(origin.DeliveryUri, "/time");

        await using (var first = FfmpegEncoder.Start(origin.IngestUri, channel, utcTiming, FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(60) }))
        {
            await archive.WaitForSegmentsAsync("0", 2, TimeSpan.FromSeconds(30), Cancellation);
            await SegmentChecks.SegmentUploadingAsync(origin, first, 0, 4, TimeSpan.FromSeconds(30), Cancellation);
        }

        // kill -9 mid-segment (disposal kills it): its open uploads are aborted. Then the encoder comes back, numbering from 1.
        await using (var second = FfmpegEncoder.Start(origin.IngestUri, channel, utcTiming, FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(8) }))
        {
            Assert.Equal(0, await second.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation));
        }

        var runs = await archive.FinalRunsAsync(2, TimeSpan.FromSeconds(40), Cancellation);
        var (before, after) = (runs[1], runs[0]);
        Assert.Contains(before.Gaps, gap => gap.Track == "0" && gap.Reason == "upload aborted" && gap.FromSegment == archive.Journal(before, "0").Count + 1);
        foreach (var run in runs)
        {
            foreach (var track in run.Tracks)
            {
                var numbers = archive.Journal(run, track.Id).Select(s => s.Number).ToList();
                Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
                await archive.AssertSegmentsAsUploadedAsync(origin, run, track.Id, Cancellation);
            }
        }

        Assert.True(archive.Journal(after, "0").Count >= 3);
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);
}
