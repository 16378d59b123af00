using System.Globalization;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// What Archive.Worker left in its directory, read from each run's run.json with the same reader Delivery uses
/// (<see cref="ArchiveFiles"/>), and the bytes of every file under it.
/// </summary>
internal sealed record ArchiveSummary
{
    /// <summary>Every file under the archive directory: media, journals, run.json, VOD manifests.</summary>
    public required long BytesOnDisk { get; init; }

    /// <summary>The tracks' files as run.json counts them (the live file while live, the final MP4 after).</summary>
    public required long MediaBytes { get; init; }

    public required int Channels { get; init; }

    public required int Runs { get; init; }

    public required int FinalRuns { get; init; }

    public required int LiveRuns { get; init; }

    /// <summary>Runs whose archiving stopped with an error (run.json's <c>error</c>).</summary>
    public required int FailedRuns { get; init; }

    public required int Tracks { get; init; }

    public required int Segments { get; init; }

    /// <summary>Gap entries of run.json (consecutive missing segments of a track for one reason are one entry).</summary>
    public required int Gaps { get; init; }

    public required long GapSegments { get; init; }

    public required IReadOnlyDictionary<string, long> GapSegmentsByReason { get; init; }

    /// <summary>Sum over the runs of their longest track's archived media time.</summary>
    public required double MediaSeconds { get; init; }

    /// <summary>Segments the load tool started to upload (every rendition), for comparison; set by the scenario.</summary>
    public int? SegmentsPushed { get; init; }

    public static ArchiveSummary Read(string root)
    {
        var runs = new List<ArchiveRun>();
        long bytes = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        try
        {
            // The writer renames and removes files while this walks (run.json replaced, .part files gone once final):
            // a file seen then gone is not counted.
            foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", options))
            {
                try
                {
                    bytes += file.Length;
                }
                catch (FileNotFoundException)
                {
                    continue;
                }

                if (file.Name == ArchiveLayout.RunFile && ArchiveFiles.ReadRun(file.DirectoryName!) is { } run)
                {
                    runs.Add(run);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
        }

        var gaps = runs.SelectMany(r => r.Gaps).ToList();
        return new ArchiveSummary
        {
            BytesOnDisk = bytes,
            MediaBytes = runs.Sum(r => r.Tracks.Sum(t => t.Bytes)),
            Channels = runs.Select(r => r.Channel).Distinct(StringComparer.Ordinal).Count(),
            Runs = runs.Count,
            FinalRuns = runs.Count(r => r.State == ArchiveRunState.Final),
            LiveRuns = runs.Count(r => r.State == ArchiveRunState.Live && r.Error is null),
            FailedRuns = runs.Count(r => r.Error is not null),
            Tracks = runs.Sum(r => r.Tracks.Count),
            Segments = runs.Sum(r => r.Tracks.Sum(t => t.Segments)),
            Gaps = gaps.Count,
            GapSegments = gaps.Sum(g => g.ToSegment - g.FromSegment + 1),
            GapSegmentsByReason = gaps
                .GroupBy(g => g.Reason, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.ToSegment - x.FromSegment + 1), StringComparer.Ordinal),
            MediaSeconds = Math.Round(runs.Sum(r => r.Duration), 1),
        };
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Channels} channels, {Runs} runs ({FinalRuns} final, {LiveRuns} live, {FailedRuns} failed), {Tracks} tracks, " +
        $"{Segments} segments{(SegmentsPushed is { } pushed ? $" of {pushed} pushed" : "")}, {MediaSeconds:0.#} s of media, " +
        $"{BytesOnDisk / 1048576.0:0.0} MiB on disk ({MediaBytes / 1048576.0:0.0} MiB media), " +
        $"{Gaps} gaps ({GapSegments} segments{(GapSegments == 0 ? "" : ": " + string.Join(", ", GapSegmentsByReason.Select(g => $"{g.Value} {g.Key}")))})");
}
