using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Following;

/// <summary>The archive writer following a real ffmpeg push through a real Ingest and Redis.</summary>
public sealed class ChannelRecorderTests(RedisServer redis) : IDisposable
{
    private static readonly Dictionary<string, string?> IngestHoldingForTheArchive = new()
    {
        ["Ingest:HoldDeletedForArchive"] = "true",
    };

    private readonly string _archive = Directory.CreateTempSubdirectory("archive-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_IsArchivedAsOneRun_EverySegmentOnceInOrder_ByteForByteAsUploaded()
    {
        await using var origin = await OriginHost.StartAsync(redis, IngestHoldingForTheArchive);
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:05" });
        var channel = TestPaths.Channel();

        await using (var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(12) }))
        {
            var exit = await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation);
            Assert.True(exit == 0, encoder.Process.Describe());
        }

        var archive = new ArchiveOnDisk(_archive, channel);
        var run = Assert.Single(await archive.FinalRunsAsync(1, TimeSpan.FromSeconds(30), Cancellation));
        Assert.Equal(["0", "1", "2"], run.Tracks.Select(t => t.Id).Order());
        foreach (var track in run.Tracks)
        {
            var journal = archive.Journal(run, track.Id);
            // 12 s of 2 s segments, and the few frames after them when ffmpeg's exit lets their upload finish; its last
            // segments may also be cut by its exit (a recorded gap). All the others are there, once, in order.
            Assert.InRange(journal.Count, 5, 7);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(s => s.Number));
            Assert.All(journal.Zip(journal.Skip(1)), pair => Assert.Equal(pair.First.DecodeTime + pair.First.Duration, pair.Second.DecodeTime));
            await archive.AssertSegmentsAsUploadedAsync(origin, run, track.Id, Cancellation);
        }
    }

    [Fact]
    public async Task ArchiveThatCannotBeWritten_StopsArchivingTheChannel_OnHealthAndAMetric_WhileLivePlaybackGoesOn()
    {
        // A file where the channel's folder would go: every write of its archive fails, as on a full or broken disk.
        var channel = TestPaths.Channel();
        await File.WriteAllTextAsync(Path.Combine(_archive, "live"), "not a folder", Cancellation);
        await using var origin = await OriginHost.StartAsync(redis, IngestHoldingForTheArchive);
        await using var writer = await origin.StartArchiveWriterAsync(_archive);
        using var failures = new InstrumentCounter(writer.Services, "cmaforigin.archive.write_failures");
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(10) });

        Assert.True(await failures.WaitForAsync(1, TimeSpan.FromSeconds(30), Cancellation), "no write failure was counted");
        Assert.Equal("Degraded", await writer.Client.GetStringAsync(new Uri("/health", UriKind.Relative), Cancellation));

        await origin.WaitForCurrentAsync(encoder.SegmentPath(0, 3), meta => meta is { State: Contracts.Storage.ObjectState.Complete }, Cancellation);
        var segment = await origin.Delivery.GetByteArrayAsync(new Uri(encoder.SegmentPath(0, 3), UriKind.Relative), Cancellation);
        Assert.Equal((await origin.CurrentMetaAsync(encoder.SegmentPath(0, 3)))!.Size, segment.Length);
        Assert.Equal(0, await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation));
        Assert.Empty(new ArchiveOnDisk(_archive, channel).Runs);
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);
}
