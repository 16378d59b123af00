using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>The archive writer killed (SIGKILL) in the middle of a run, while ffmpeg keeps pushing.</summary>
public sealed class ArchiveWriterKillTests(RedisServer redis) : IDisposable
{
    private readonly string _archive = Directory.CreateTempSubdirectory("archive-kill-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriterKilledMidRun_TheNextWriterGoesOn_NoSegmentMissingOrTwice()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Ingest:HoldDeletedForArchive"] = "true" });
        var settings = new Dictionary<string, string>
        {
            ["Archive:Directory"] = _archive,
            ["Archive:EndAfter"] = "00:00:10",
            // A short lease: the second writer takes over the channel a second after the first stopped renewing it.
            ["Archive:LeaseTime"] = "00:00:01",
        };
        var channel = TestPaths.Channel();
        var archive = new ArchiveOnDisk(_archive, channel);
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(20) });

        await using (var first = await Faults.ServiceProcess.StartAsync(typeof(CmafOrigin.Archive.Program).Assembly, redis, origin.KeyPrefix, settings))
        {
            await archive.WaitForSegmentsAsync("0", 3, TimeSpan.FromSeconds(30), Cancellation);
        }

        // Killed (disposal kills the process) with its run live on disk and log entries it may have read but not
        // acknowledged. The next writer resumes the run, claims those entries, and skips what the journal holds.
        await using var second = await Faults.ServiceProcess.StartAsync(typeof(CmafOrigin.Archive.Program).Assembly, redis, origin.KeyPrefix, settings);
        Assert.Equal(0, await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation));

        var run = Assert.Single(await archive.FinalRunsAsync(1, TimeSpan.FromSeconds(40), Cancellation));
        Assert.Equal(3, run.Tracks.Count);
        foreach (var track in run.Tracks)
        {
            var numbers = archive.Journal(run, track.Id).Select(s => s.Number).ToList();
            Assert.True(numbers.Count >= 8, $"track {track.Id}: {numbers.Count} segments");
            Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
            await archive.AssertSegmentsAsUploadedAsync(origin, run, track.Id, Cancellation);
        }
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);
}
