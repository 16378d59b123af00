using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Contracts.Tests.Archive;

public sealed class ArchiveFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("archive-files-").FullName;

    [Fact]
    public void Journal_IsReadUpToItsLastCompleteLine_AHalfWrittenLineDoesNotCount()
    {
        var path = Path.Combine(_directory, ArchiveLayout.Journal("0"));
        var first = new ArchivedSegment("chunk-stream0-00001.m4s", 1, "v1", 800, 1000, 0, 30720, true);
        var second = first with { Name = "chunk-stream0-00002.m4s", Number = 2, Version = "v2", Offset = 1800, DecodeTime = 30720 };
        File.WriteAllBytes(path, [.. ArchiveFiles.JournalLine(first), .. ArchiveFiles.JournalLine(second), .. "{\"name\":\"chunk-s"u8]);

        var journal = ArchiveFiles.ReadJournal(path);

        Assert.Equal([first, second], journal);
        Assert.Equal(2800, journal[^1].End);
    }

    [Fact]
    public void Run_IsWrittenWhole_AndReadBack_WithItsStateInLowerCase()
    {
        var run = new ArchiveRun
        {
            Id = "20261202T101500Z",
            Channel = "live/demo",
            State = ArchiveRunState.Live,
            StartedAt = new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero),
            Tracks = [new ArchiveTrack { Id = "0", ContentType = "video", Timescale = 15360 }],
            Gaps = [new ArchiveGap { Track = "0", FromSegment = 3, ToSegment = 3, Reason = "aborted" }],
        };

        ArchiveFiles.WriteRun(_directory, run);

        var json = File.ReadAllText(Path.Combine(_directory, ArchiveLayout.RunFile));
        Assert.Contains("\"state\":\"live\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("endedAt", json, StringComparison.Ordinal);
        var read = ArchiveFiles.ReadRun(_directory);
        Assert.NotNull(read);
        Assert.Equal(run.Id, read.Id);
        Assert.Equal(run.Tracks, read.Tracks);
        Assert.Equal(run.Gaps, read.Gaps);
        Assert.False(File.Exists(Path.Combine(_directory, ArchiveLayout.RunFile + ".tmp")));
    }

    [Fact]
    public void Runs_AreListedNewestFirst_SkippingFoldersThatAreNotRuns()
    {
        foreach (var id in new[] { "20261202T090000Z", "20261202T100000Z" })
        {
            var runDirectory = Directory.CreateDirectory(Path.Combine(_directory, id)).FullName;
            ArchiveFiles.WriteRun(runDirectory, new ArchiveRun { Id = id, Channel = "c", State = ArchiveRunState.Final, StartedAt = DateTimeOffset.UnixEpoch });
        }

        Directory.CreateDirectory(Path.Combine(_directory, "not-a-run"));
        Directory.CreateDirectory(Path.Combine(_directory, "20261202T110000Z")); // begun, no run.json yet

        Assert.Equal(["20261202T100000Z", "20261202T090000Z"], ArchiveFiles.ReadRuns(_directory).Select(r => r.Id));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
