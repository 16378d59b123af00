using System.Text.Json;

namespace CmafOrigin.Contracts.Archive;

/// <summary>Reading and writing a run's <c>run.json</c> and its tracks' journals, so that a reader never sees half a write.</summary>
public static class ArchiveFiles
{
    /// <summary>The run in <paramref name="runDirectory"/>; null when it has no readable run.json (yet).</summary>
    public static ArchiveRun? ReadRun(string runDirectory)
    {
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(runDirectory, ArchiveLayout.RunFile));
            return JsonSerializer.Deserialize(bytes, ArchiveJson.Default.ArchiveRun);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces run.json whole: written beside it, flushed to disk, then renamed over it.</summary>
    public static void WriteRun(string runDirectory, ArchiveRun run)
    {
        var path = Path.Combine(runDirectory, ArchiveLayout.RunFile);
        WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(run, ArchiveJson.Default.ArchiveRun));
    }

    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, flushes it to disk and renames it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Every complete line of a journal, in order. A line cut short by a crash (no newline yet) or unreadable is
    /// where the journal ends: nothing after it counts.
    /// </summary>
    public static List<ArchivedSegment> ReadJournal(string path)
    {
        var segments = new List<ArchivedSegment>();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return segments;
        }

        var rest = bytes.AsSpan();
        while (rest.IndexOf((byte)'\n') is var end and >= 0)
        {
            try
            {
                var segment = JsonSerializer.Deserialize(rest[..end], ArchiveJson.Default.ArchivedSegment);
                if (segment is null)
                {
                    break;
                }

                segments.Add(segment);
            }
            catch (JsonException)
            {
                break;
            }

            rest = rest[(end + 1)..];
        }

        return segments;
    }

    /// <summary>One journal line: the segment as JSON and a newline.</summary>
    public static byte[] JournalLine(ArchivedSegment segment)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(segment, ArchiveJson.Default.ArchivedSegment);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>The runs of a channel folder (<see cref="ArchiveLayout.ChannelDirectory"/>), newest first; unreadable ones are skipped.</summary>
    public static List<ArchiveRun> ReadRuns(string channelDirectory)
    {
        var runs = new List<ArchiveRun>();
        if (!Directory.Exists(channelDirectory))
        {
            return runs;
        }

        foreach (var directory in Directory.EnumerateDirectories(channelDirectory))
        {
            if (ArchiveLayout.IsRunId(Path.GetFileName(directory)) && ReadRun(directory) is { } run)
            {
                runs.Add(run);
            }
        }

        runs.Sort((a, b) => string.CompareOrdinal(b.Id, a.Id));
        return runs;
    }
}
