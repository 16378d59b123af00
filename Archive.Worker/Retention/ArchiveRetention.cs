using CmafOrigin.Archive.Telemetry;
using CmafOrigin.Contracts.Archive;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Archive.Retention;

/// <summary>
/// Walks the archive: removes runs that ended (or failed) longer than <c>Archive:Retention</c> ago, and names the
/// channels that still have a live run on disk, so that one writer resumes and ends each (its writer may have died with it open).
/// </summary>
internal sealed class ArchiveRetention(ArchiveLayout layout, IOptions<ArchiveOptions> options, ILogger<ArchiveRetention> logger)
{
    /// <summary>One pass; returns the directories of channels with a live run.</summary>
    public HashSet<string> Sweep(DateTimeOffset now)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(layout.Root))
        {
            return live;
        }

        var keep = options.Value.Retention;
        foreach (var folder in ArchiveFolders())
        {
            var channel = Path.GetRelativePath(layout.Root, Path.GetDirectoryName(folder)!).Replace('\\', '/');
            channel = channel == "." ? string.Empty : channel;
            foreach (var run in ArchiveFiles.ReadRuns(folder))
            {
                // A live run that failed never ends by itself: it goes with the retention from its start.
                var end = run.EndedAt ?? (run.Error is null ? null : run.StartedAt);
                if (run is { State: ArchiveRunState.Live, Error: null })
                {
                    live.Add(channel);
                }
                else if (keep > TimeSpan.Zero && end is { } ended && now - ended > keep)
                {
                    Remove(channel, layout.RunDirectory(channel, run.Id), run.Id);
                }
            }
        }

        return live;
    }

    private IEnumerable<string> ArchiveFolders()
    {
        // Depth-first, without descending into the archive folders themselves (they hold runs, not channels).
        var pending = new Stack<string>([layout.Root]);
        while (pending.TryPop(out var directory))
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(directory).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                if (Path.GetFileName(child) == ArchiveLayout.Folder)
                {
                    yield return child;
                }
                else
                {
                    pending.Push(child);
                }
            }
        }
    }

    private void Remove(string channel, string directory, string run)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            ArchiveLog.RunRemoved(logger, channel.Length == 0 ? "/" : channel, run);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another writer removed it first, or the disk refuses: the next sweep tries again.
        }
    }
}
