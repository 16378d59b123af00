using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Delivery.Tests.Archive;

/// <summary>
/// A temporary archive root holding runs written by hand as Archive.Worker writes them (run.json through
/// <see cref="ArchiveFiles.WriteRun"/>, journals of <see cref="ArchiveFiles.JournalLine"/>, live files by concatenation),
/// given to Delivery as <c>Archive:Directory</c>.
/// </summary>
public sealed class ArchiveDirectory : IDisposable
{
    public ArchiveDirectory() => Layout = new ArchiveLayout(Directory.CreateTempSubdirectory("cmaforigin-archive-").FullName);

    public ArchiveLayout Layout { get; }

    public string Root => Layout.Root;

    /// <summary>Creates the run's folder under <paramref name="channel"/> (its directory) and writes its run.json; returns the folder.</summary>
    public string WriteRun(string channel, ArchiveRun run)
    {
        var directory = Layout.RunDirectory(channel, run.Id);
        Directory.CreateDirectory(directory);
        ArchiveFiles.WriteRun(directory, run);
        return directory;
    }

    /// <summary>
    /// A live track: <c>{track}.mp4.part</c> = <paramref name="init"/> then every segment's bytes, and one journal line per
    /// segment with its offset in that file. Returns the journal's lines.
    /// </summary>
    public static IReadOnlyList<ArchivedSegment> WriteLiveTrack(string runDirectory, string track, byte[] init, IEnumerable<LiveSegment> segments)
    {
        var journal = new List<ArchivedSegment>();
        using var part = File.Create(Path.Combine(runDirectory, ArchiveLayout.LiveTrackFile(track)));
        using var lines = File.Create(Path.Combine(runDirectory, ArchiveLayout.Journal(track)));
        part.Write(init);
        foreach (var segment in segments)
        {
            var line = new ArchivedSegment(segment.Name, segment.Number, segment.Version, part.Position, segment.Bytes.Length, segment.DecodeTime, segment.Duration, Independent: true);
            part.Write(segment.Bytes);
            lines.Write(ArchiveFiles.JournalLine(line));
            journal.Add(line);
        }

        return journal;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
