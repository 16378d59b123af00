using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>
/// Writes a live run directory as the archive runtime leaves it when the run ends: per track the init segment and the
/// archived segments appended in <c>{track}.mp4.part</c>, one journal line per segment, and run.json saying live.
/// </summary>
internal static class LiveRun
{
    public const string RunId = "20261202T101500Z";

    public static readonly DateTimeOffset StartedAt = new(2026, 12, 2, 10, 15, 0, TimeSpan.Zero);

    /// <param name="parent">Where the run directory is made.</param>
    /// <param name="streams">The tracks of the run.</param>
    /// <param name="archived">Which segments were archived (all when null): leaving one out is a gap.</param>
    /// <param name="journal">Rewrites a track's journal lines before they are written (all kept when null).</param>
    public static string Create(
        string parent,
        IEnumerable<EncodedTrack> streams,
        Func<EncodedSegment, bool>? archived = null,
        Func<EncodedTrack, List<ArchivedSegment>, List<ArchivedSegment>>? journal = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, RunId)).FullName;
        var tracks = new List<ArchiveTrack>();
        foreach (var stream in streams)
        {
            var id = stream.Track.Id;
            var lines = new List<ArchivedSegment>();
            using (var live = File.Create(Path.Combine(directory, ArchiveLayout.LiveTrackFile(id))))
            {
                live.Write(stream.Init);
                foreach (var segment in stream.Segments.Where(archived ?? (_ => true)))
                {
                    lines.Add(new ArchivedSegment(segment.Name, segment.Number, $"v{segment.Number}", live.Position, segment.Bytes.Length, segment.DecodeTime, segment.Duration, segment.Independent));
                    live.Write(segment.Bytes);
                }
            }

            lines = journal?.Invoke(stream, lines) ?? lines;
            File.WriteAllBytes(Path.Combine(directory, ArchiveLayout.Journal(id)), [.. lines.SelectMany(ArchiveFiles.JournalLine)]);
            tracks.Add(stream.Track with
            {
                Segments = lines.Count,
                Bytes = new FileInfo(Path.Combine(directory, ArchiveLayout.LiveTrackFile(id))).Length,
                Duration = lines.Count == 0 ? 0 : (double)(lines[^1].DecodeTime + lines[^1].Duration - lines[0].DecodeTime) / stream.Track.Timescale,
            });
        }

        ArchiveFiles.WriteRun(directory, new ArchiveRun
        {
            Id = RunId,
            Channel = "live/demo",
            State = ArchiveRunState.Live,
            StartedAt = StartedAt,
            Duration = tracks.Select(t => t.Duration).DefaultIfEmpty(0).Max(),
            Tracks = tracks,
        });
        return directory;
    }
}
