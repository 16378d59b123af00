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
    /// <summary>
    /// Versions remembered to skip a segment delivered again: only a writer's unacknowledged log entries are, so the
    /// last few thousand segments are plenty, and a run of weeks does not grow this writer's memory.
    /// </summary>
    private const int RecentVersions = 4096;

    private readonly FileStream _media;
    private readonly FileStream _journal;
    private readonly HashSet<string> _versions = new(StringComparer.Ordinal);
    private readonly Queue<string> _versionOrder = new();
    private ArchivedSegment? _first;

    private ArchivedTrackFile(ArchiveTrack description, byte[] init, CmafTrack track, FileStream media, FileStream journal, IReadOnlyList<ArchivedSegment> segments)
    {
        Description = description;
        Init = init;
        Track = track;
        _media = media;
        _journal = journal;
        _first = segments.Count == 0 ? null : segments[0];
        Last = segments.Count == 0 ? null : segments[^1];
        Count = segments.Count;
        foreach (var segment in segments.Skip(Math.Max(0, segments.Count - RecentVersions)))
        {
            Remember(segment.Version);
        }
    }

    public ArchiveTrack Description { get; }

    public byte[] Init { get; }

    public CmafTrack Track { get; }

    /// <summary>Segments archived (the journal's lines).</summary>
    public int Count { get; private set; }

    public ArchivedSegment? Last { get; private set; }

    public long Bytes => _media.Length;

    public double Duration => _first is null || Last is null
        ? 0
        : (double)(Last.DecodeTime + Last.Duration - _first.DecodeTime) / Track.Timescale;

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
        _first ??= segment;
        Last = segment;
        Count++;
        Remember(version);
        return segment;
    }

    /// <summary>What run.json says of this track now.</summary>
    public ArchiveTrack Describe() => Description with { Segments = Count, Bytes = Bytes, Duration = Math.Round(Duration, 3) };

    public void Dispose()
    {
        _media.Dispose();
        _journal.Dispose();
    }

    private void Remember(string version)
    {
        if (_versions.Add(version))
        {
            _versionOrder.Enqueue(version);
        }

        if (_versionOrder.Count > RecentVersions)
        {
            _versions.Remove(_versionOrder.Dequeue());
        }
    }

    private static FileStream Open(string path, FileMode mode) =>
        new(path, mode, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
}
