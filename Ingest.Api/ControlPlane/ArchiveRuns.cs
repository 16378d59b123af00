using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Control;

/// <summary>
/// The control plane's view of the archive: Ingest is given the same <c>Archive:Directory</c> as the writer and
/// Delivery, and lists or removes runs there. A live run is never removed: its writer is still appending to it.
/// </summary>
internal sealed class ArchiveRuns(IOptions<ArchiveStorageOptions> options)
{
    private readonly ArchiveLayout _layout = options.Value.Layout();

    public List<ArchiveRunSummary> List(string channel) =>
        ArchiveFiles.ReadRuns(_layout.ChannelDirectory(channel)).Select(Summary).ToList();

    /// <summary>Removes one run; what happened, and the bytes it freed.</summary>
    public (ArchiveRunRemoval Outcome, long Bytes) Delete(string channel, string runId)
    {
        if (!ArchiveLayout.IsRunId(runId) || ArchiveFiles.ReadRun(_layout.RunDirectory(channel, runId)) is not { } run)
        {
            return (ArchiveRunRemoval.NotFound, 0);
        }

        if (run.State == ArchiveRunState.Live)
        {
            return (ArchiveRunRemoval.Live, 0);
        }

        var directory = new DirectoryInfo(_layout.RunDirectory(channel, runId));
        var bytes = directory.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        // run.json first: from then on nobody lists the run, whatever remains of its files.
        File.Delete(Path.Combine(directory.FullName, ArchiveLayout.RunFile));
        directory.Delete(recursive: true);
        return (ArchiveRunRemoval.Deleted, bytes);
    }

    /// <summary>Removes every final run of the channel; returns how many.</summary>
    public int DeleteFinal(string channel) =>
        ArchiveFiles.ReadRuns(_layout.ChannelDirectory(channel))
            .Where(r => r.State == ArchiveRunState.Final)
            .Count(r => Delete(channel, r.Id).Outcome == ArchiveRunRemoval.Deleted);

    private static ArchiveRunSummary Summary(ArchiveRun run)
    {
        var summary = new ArchiveRunSummary
        {
            Id = run.Id,
            State = run.State == ArchiveRunState.Live ? "live" : "final",
            StartedAt = Timestamp.FromDateTimeOffset(run.StartedAt),
            DurationSeconds = run.Duration,
            Tracks = run.Tracks.Count,
            Bytes = run.Tracks.Sum(t => t.Bytes),
            MissingSegments = run.Gaps.Sum(g => g.ToSegment - g.FromSegment + 1),
            Error = run.Error ?? string.Empty,
        };
        if (run.EndedAt is { } ended)
        {
            summary.EndedAt = Timestamp.FromDateTimeOffset(ended);
        }

        return summary;
    }
}

/// <summary>What removing an archived run did.</summary>
internal enum ArchiveRunRemoval
{
    Deleted,
    NotFound,
    Live,
}
