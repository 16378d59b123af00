using CmafOrigin.Bench.Measure;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Bench.Tests;

/// <summary>What <c>--archive</c> reports, read from run.json files as Archive.Worker writes them.</summary>
public sealed class ArchiveSummaryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cmaforigin-bench-summary-").FullName;

    [Fact]
    public void Read_RunsOfTwoChannels_CountsRunsSegmentsGapsAndBytes()
    {
        var layout = new ArchiveLayout(_root);
        Write(layout, "live/a", new ArchiveRun
        {
            Id = "20261202T101500Z",
            Channel = "live/a",
            State = ArchiveRunState.Final,
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = 60,
            Tracks = [Track("1", segments: 30, bytes: 1000), Track("3", segments: 29, bytes: 100)],
            Gaps = [new ArchiveGap { Track = "3", FromSegment = 7, ToSegment = 7, Reason = "never uploaded" }],
        });
        Write(layout, "live/b", new ArchiveRun
        {
            Id = "20261202T101600Z",
            Channel = "live/b",
            State = ArchiveRunState.Live,
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = 10,
            Tracks = [Track("1", segments: 5, bytes: 500)],
            Gaps = [new ArchiveGap { Track = "1", FromSegment = 2, ToSegment = 4, Reason = "upload aborted" }],
        });
        Write(layout, "live/b", new ArchiveRun
        {
            Id = "20261202T101500Z",
            Channel = "live/b",
            State = ArchiveRunState.Live,
            StartedAt = DateTimeOffset.UnixEpoch,
            Error = "disk full",
        });
        File.WriteAllBytes(Path.Combine(layout.RunDirectory("live/a", "20261202T101500Z"), "1.mp4"), new byte[4096]);

        var summary = ArchiveSummary.Read(_root);

        Assert.Equal((2, 3, 1, 1, 1), (summary.Channels, summary.Runs, summary.FinalRuns, summary.LiveRuns, summary.FailedRuns));
        Assert.Equal((3, 64, 1600L, 70.0), (summary.Tracks, summary.Segments, summary.MediaBytes, summary.MediaSeconds));
        Assert.Equal((2, 4L), (summary.Gaps, summary.GapSegments));
        Assert.Equal(3, summary.GapSegmentsByReason["upload aborted"]);
        Assert.InRange(summary.BytesOnDisk, 4096 + 3 * 100, 4096 + 3 * 2000);
    }

    [Fact]
    public void Read_NoDirectory_IsEmpty()
    {
        var summary = ArchiveSummary.Read(Path.Combine(_root, "never-made"));

        Assert.Equal((0, 0L), (summary.Runs, summary.BytesOnDisk));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void Write(ArchiveLayout layout, string channel, ArchiveRun run)
    {
        var directory = Directory.CreateDirectory(layout.RunDirectory(channel, run.Id)).FullName;
        ArchiveFiles.WriteRun(directory, run);
    }

    private static ArchiveTrack Track(string id, int segments, long bytes) =>
        new() { Id = id, ContentType = "video", Segments = segments, Bytes = bytes };
}
