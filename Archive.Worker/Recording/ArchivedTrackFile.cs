using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Archive.Recording;

/// <summary>
/// One track of a live run on disk: its live file (init segment, then segments appended) and its journal. A segment
/// counts once its journal line is on disk; bytes written after the last line (a crash between the two writes) are
/// cut off when the file is opened again.
/// </summary>
internal sealed class ArchivedTrackFile : IDisposable
{
    private readonly FileStream _media;
    private readonly FileStream _journal;
    private readonly List<ArchivedSegment> _segments;
    private readonly HashSet<string> _versions;

    private ArchivedTrackFile(ArchiveTrack description, byte[] init, CmafTrack track, FileStream media, FileStream journal, List<ArchivedSegment> segments)
    {
        Description = description;
        Init = init;
        Track = track;
        _media = media;
        _journal = journal;
        _segments = segments;
        _versions = segments.Select(s => s.Version).ToHashSet(StringComparer.Ordinal);
    }

    public ArchiveTrack Description { get; }

    public byte[] Init { get; }

    public CmafTrack Track { get; }

    public IReadOnlyList<ArchivedSegment> Segments => _segments;

    public ArchivedSegment? Last => _segments.Count == 0 ? null : _segments[^1];

    public long Bytes => _media.Length;

    public double Duration => _segments.Count == 0
        ? 0
        : (double)(_segments[^1].DecodeTime + _segments[^1].Duration - _segments[0].DecodeTime) / Track.Timescale;

    /// <summary>Starts the track's live file with its init segment, and an empty journal.</summary>
    public static ArchivedTrackFile Create(string runDirectory, ArchiveTrack description, byte[] init, CmafTrack track)
    {
        var media = Open(Path.Combine(runDirectory, ArchiveLayout.LiveTrackFile(description.Id)), FileMode.CreateNew);
        var journal = Open(Path.Combine(runDirectory, ArchiveLayout.Journal(description.Id)), FileMode.CreateNew);
        media.Write(init);
        media.Flush(flushToDisk: true);
        return new ArchivedTrackFile(description with { InitSize = init.Length }, init, track, media, journal, []);
    }

    /// <summary>Opens a track of a live run written before (by this writer before a restart, or by another that died).</summary>
    public static ArchivedTrackFile? Reopen(string runDirectory, ArchiveTrack description)
    {
        var mediaPath = Path.Combine(runDirectory, ArchiveLayout.LiveTrackFile(description.Id));
        if (!File.Exists(mediaPath))
        {
            return null;
        }

        var segments = ArchiveFiles.ReadJournal(Path.Combine(runDirectory, ArchiveLayout.Journal(description.Id)));
        var media = Open(mediaPath, FileMode.Open);
        var init = new byte[description.InitSize];
        media.ReadExactly(init);
        if (CmafTrack.TryParse(init, out _) is not { } track)
        {
            media.Dispose();
            return null;
        }

        // Keep only the segments whose bytes are all there; cut what was written after the last journal line.
        segments = segments.TakeWhile(s => s.End <= media.Length).ToList();
        media.SetLength(segments.Count == 0 ? description.InitSize : segments[^1].End);
        media.Seek(0, SeekOrigin.End);
        var journalPath = Path.Combine(runDirectory, ArchiveLayout.Journal(description.Id));
        ArchiveFiles.WriteAtomically(journalPath, segments.SelectMany(ArchiveFiles.JournalLine).ToArray());
        var journal = Open(journalPath, FileMode.Open);
        journal.Seek(0, SeekOrigin.End);
        return new ArchivedTrackFile(description, init, track, media, journal, segments);
    }

    public bool Holds(string version) => _versions.Contains(version);

    /// <summary>Appends a segment's bytes (its pieces in order), then its journal line, each flushed to disk before going on.</summary>
    public ArchivedSegment Append(string name, long number, string version, IReadOnlyList<byte[]> pieces, long decodeTime, long duration, bool independent)
    {
        var segment = new ArchivedSegment(name, number, version, _media.Length, pieces.Sum(p => (long)p.Length), decodeTime, duration, independent);
        foreach (var piece in pieces)
        {
            _media.Write(piece);
        }

        _media.Flush(flushToDisk: true);
        _journal.Write(ArchiveFiles.JournalLine(segment));
        _journal.Flush(flushToDisk: true);
        _segments.Add(segment);
        _versions.Add(version);
        return segment;
    }

    /// <summary>What run.json says of this track now.</summary>
    public ArchiveTrack Describe() => Description with { Segments = _segments.Count, Bytes = Bytes, Duration = Math.Round(Duration, 3) };

    public void Dispose()
    {
        _media.Dispose();
        _journal.Dispose();
    }

    private static FileStream Open(string path, FileMode mode) =>
        new(path, mode, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
}
