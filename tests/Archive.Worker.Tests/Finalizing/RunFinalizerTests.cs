using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Archive;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CmafOrigin.Archive.Tests.Finalizing;

public sealed class RunFinalizerTests(EncodedSource source) : IClassFixture<EncodedSource>, IDisposable
{
    private static readonly DateTimeOffset EndedAt = new(2026, 12, 2, 10, 16, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("run-finalizer-").FullName;
    private readonly FakeLogger<RunFinalizer> _logger = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FinalizeAsync_LiveRun_WritesTrackFilesAndManifests_ThenSaysFinal_ThenRemovesTheLiveFiles()
    {
        var runDirectory = CreateRun(source.Streams);
        var live = ArchiveFiles.ReadRun(runDirectory)!;

        var result = await FinalizeAsync(runDirectory);

        Assert.Equal(RunFinalizationOutcome.Finalized, result.Outcome);
        Assert.Equal(
            ["0.journal", "0.m3u8", "0.mp4", "1.journal", "1.m3u8", "1.mp4", "manifest.mpd", "master.m3u8", "run.json"],
            Directory.GetFiles(runDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var run = ArchiveFiles.ReadRun(runDirectory)!;
        Assert.Equal((ArchiveRunState.Final, EndedAt, live.Id, live.Channel, live.StartedAt), (run.State, run.EndedAt, run.Id, run.Channel, run.StartedAt));
        Assert.Equal(source.Audio.Duration, run.Duration, 9); // the longer track: AAC's last frame ends after the last video frame
        foreach (var (track, stream) in run.Tracks.Zip(source.Streams))
        {
            Assert.Equal(stream.Track.Id, track.Id);
            Assert.Equal(new FileInfo(Path.Combine(runDirectory, ArchiveLayout.TrackFile(track.Id))).Length, track.Bytes);
            Assert.Equal(stream.Segments.Count, track.Segments);
            Assert.Equal(stream.Duration, track.Duration, 9);
            Assert.Equal((stream.Track.Codecs, stream.Track.InitSize), (track.Codecs, track.InitSize));
        }
    }

    [Fact]
    public async Task FinalizeAsync_FinalRun_ChangesNothing()
    {
        var runDirectory = CreateRun(source.Streams);
        await FinalizeAsync(runDirectory);
        var before = Snapshot(runDirectory);

        var again = await FinalizeAsync(runDirectory, EndedAt.AddHours(1));

        Assert.Equal(RunFinalizationOutcome.AlreadyFinal, again.Outcome);
        Assert.Equal(EndedAt, again.Run!.EndedAt);
        Assert.Equal(before, Snapshot(runDirectory));
    }

    [Fact]
    public async Task FinalizeAsync_AfterACrashThatLeftTheTrackFilesButALiveRunJson_FinalizesAgainToTheSameFiles()
    {
        var runDirectory = CreateRun(source.Streams, parent: "crashed");
        foreach (var track in ArchiveFiles.ReadRun(runDirectory)!.Tracks)
        {
            var journal = ArchiveFiles.ReadJournal(Path.Combine(runDirectory, ArchiveLayout.Journal(track.Id)));
            await TrackFinalizer.FinalizeAsync(runDirectory, track, journal, Cancellation);
        }

        // And, the crash happening during the manifests, half a manifest beside its name.
        await File.WriteAllTextAsync(Path.Combine(runDirectory, ArchiveLayout.VodManifest + ".tmp"), "<?xml", Cancellation);
        var clean = CreateRun(source.Streams, parent: "clean");
        await FinalizeAsync(clean);

        var result = await FinalizeAsync(runDirectory);

        Assert.Equal(RunFinalizationOutcome.Finalized, result.Outcome);
        var expected = Snapshot(clean);
        var actual = Snapshot(runDirectory);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(expected, file => Assert.True(file.Value.Bytes.AsSpan().SequenceEqual(actual[file.Key].Bytes), file.Key));
    }

    [Fact]
    public async Task FinalizeAsync_FinalRunWhoseLiveFilesACrashLeft_RemovesThem()
    {
        var runDirectory = CreateRun(source.Streams);
        var liveFile = Path.Combine(runDirectory, ArchiveLayout.LiveTrackFile("0"));
        var liveBytes = await File.ReadAllBytesAsync(liveFile, Cancellation);
        await FinalizeAsync(runDirectory);
        await File.WriteAllBytesAsync(liveFile, liveBytes, Cancellation);

        var again = await FinalizeAsync(runDirectory);

        Assert.Equal(RunFinalizationOutcome.AlreadyFinal, again.Outcome);
        Assert.False(File.Exists(liveFile));
    }

    [Fact]
    public async Task FinalizeAsync_JournalOffsetPastTheEndOfTheLiveFile_FailsNamingIt_AndLeavesTheRunLiveWithoutFinalFiles()
    {
        // The audio track is finalized after the video one, which it takes down with it.
        var runDirectory = CreateRun(source.Streams, journal: (stream, lines) =>
            stream == source.Audio ? [.. lines[..^1], lines[^1] with { Offset = lines[^1].Offset + 4096 }] : lines);
        var before = Snapshot(runDirectory);

        var result = await FinalizeAsync(runDirectory);

        Assert.Equal(RunFinalizationOutcome.Invalid, result.Outcome);
        Assert.Contains("Track '1'", result.Error, StringComparison.Ordinal);
        Assert.Contains(source.Audio.Segments[^1].Name, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(runDirectory));
        Assert.Equal(ArchiveRunState.Live, ArchiveFiles.ReadRun(runDirectory)!.State);
        var logged = _logger.LatestRecord;
        Assert.Equal((LogLevel.Error, 10503), (logged.Level, logged.Id.Id));
    }

    [Fact]
    public async Task FinalizeAsync_TrackWithoutASegment_IsLeftOutOfTheRunAndTheManifests()
    {
        var runDirectory = CreateRun(source.Streams, archived: segment => segment.Name.StartsWith("chunk-stream0-", StringComparison.Ordinal));

        var result = await FinalizeAsync(runDirectory);

        Assert.Equal(RunFinalizationOutcome.Finalized, result.Outcome);
        Assert.Equal(["0"], ArchiveFiles.ReadRun(runDirectory)!.Tracks.Select(t => t.Id));
        Assert.Equal(
            ["0.journal", "0.m3u8", "0.mp4", "1.journal", "manifest.mpd", "master.m3u8", "run.json"],
            Directory.GetFiles(runDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("audio", await File.ReadAllTextAsync(Path.Combine(runDirectory, ArchiveLayout.VodManifest), Cancellation), StringComparison.Ordinal);
        Assert.DoesNotContain("#EXT-X-MEDIA", await File.ReadAllTextAsync(Path.Combine(runDirectory, ArchiveLayout.VodMultivariantPlaylist), Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalizeAsync_DirectoryWithoutRunJson_IsNoRun()
    {
        var result = await FinalizeAsync(Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName);

        Assert.Equal(RunFinalizationOutcome.NoRun, result.Outcome);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string CreateRun(
        IEnumerable<EncodedTrack> streams,
        Func<EncodedSegment, bool>? archived = null,
        Func<EncodedTrack, List<ArchivedSegment>, List<ArchivedSegment>>? journal = null,
        string? parent = null) =>
        LiveRun.Create(Directory.CreateDirectory(Path.Combine(_directory, parent ?? Guid.NewGuid().ToString("N"))).FullName, streams, archived, journal);

    private Task<RunFinalization> FinalizeAsync(string runDirectory, DateTimeOffset? endedAt = null) =>
        new RunFinalizer(_logger).FinalizeAsync(runDirectory, endedAt ?? EndedAt, Cancellation);

    /// <summary>Every file of the directory: its bytes and when it was last written.</summary>
    private static SortedDictionary<string, FileSnapshot> Snapshot(string directory) =>
        new(Directory.GetFiles(directory).ToDictionary(
            f => Path.GetFileName(f),
            f => new FileSnapshot(File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f))), StringComparer.Ordinal);
}
