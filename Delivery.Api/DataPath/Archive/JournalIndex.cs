using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// One track's journal of a live run, by segment name, read as the writer appends to it: the file is looked at (its
/// length and modification time) on each lookup, and only the bytes appended since the last read are read and parsed.
/// Lines are read as <see cref="ArchiveFiles.ReadJournal"/> reads them: a half-written last line waits for its newline,
/// an unreadable line ends the journal. Segments that ended more than <c>keep</c> before the newest are forgotten, so
/// a run that goes on for days holds only its window in memory.
/// </summary>
/// <param name="keep">In the track's timescale; zero keeps every segment.</param>
internal sealed class JournalIndex(string path, long keep)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ArchivedSegment> _byName = new(StringComparer.Ordinal);
    private readonly Queue<ArchivedSegment> _oldestFirst = new();
    private long _length = -1;
    private DateTime _modified;
    private long _read;
    private bool _ended;

    /// <summary>The end (decode time + duration) of the newest segment journaled, in the track's timescale; -1 before any.</summary>
    public long NewestEnd { get; private set; } = -1;

    public bool TryFind(string name, [MaybeNullWhen(false)] out ArchivedSegment segment, out long newestEnd)
    {
        lock (_lock)
        {
            Refresh();
            newestEnd = NewestEnd;
            return _byName.TryGetValue(name, out segment);
        }
    }

    private void Refresh()
    {
        var file = new FileInfo(path);
        if (!file.Exists || (file.Length == _length && file.LastWriteTimeUtc == _modified))
        {
            return;
        }

        if (file.Length < _read)
        {
            // Not the file we read (a journal is only ever appended to): start over.
            _byName.Clear();
            _oldestFirst.Clear();
            _read = 0;
            _ended = false;
            NewestEnd = -1;
        }

        _length = file.Length;
        _modified = file.LastWriteTimeUtc;
        if (_ended || _length == _read)
        {
            return;
        }

        byte[] appended;
        try
        {
            appended = ReadFrom(_read, _length - _read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable for now: looked at again on the next lookup.
            _length = -1;
            return;
        }

        var rest = appended.AsSpan();
        while (rest.IndexOf((byte)'\n') is var end and >= 0)
        {
            ArchivedSegment? segment;
            try
            {
                segment = JsonSerializer.Deserialize(rest[..end], ArchiveJson.Default.ArchivedSegment);
            }
            catch (JsonException)
            {
                segment = null;
            }

            if (segment is null)
            {
                _ended = true;
                break;
            }

            _byName[segment.Name] = segment;
            _oldestFirst.Enqueue(segment);
            NewestEnd = Math.Max(NewestEnd, segment.DecodeTime + segment.Duration);
            _read += end + 1;
            rest = rest[(end + 1)..];
        }

        Forget();
    }

    private void Forget()
    {
        while (keep > 0 && _oldestFirst.TryPeek(out var oldest) && oldest.DecodeTime + oldest.Duration < NewestEnd - keep)
        {
            _oldestFirst.Dequeue();
            // A name journaled again later (a re-upload) keeps its newer line.
            if (_byName.TryGetValue(oldest.Name, out var kept) && ReferenceEquals(kept, oldest))
            {
                _byName.Remove(oldest.Name);
            }
        }
    }

    private byte[] ReadFrom(long offset, long count)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[count];
        var total = 0;
        while (total < bytes.Length && RandomAccess.Read(handle, bytes.AsSpan(total), offset + total) is var read and > 0)
        {
            total += read;
        }

        return total == bytes.Length ? bytes : bytes[..total];
    }
}
