using System.Diagnostics.CodeAnalysis;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Delivery.Archive;

/// <summary>A channel's run that is still being archived, with the journal of each of its tracks.</summary>
internal sealed class LiveRun
{
    private readonly Dictionary<string, JournalIndex> _journals;

    /// <param name="earlier">The same run as read before (its run.json is rewritten as it grows): its journals are kept, not read again.</param>
    public LiveRun(string directory, ArchiveRun run, TimeSpan keep, LiveRun? earlier)
    {
        Directory = directory;
        Run = run;
        _journals = run.Tracks.ToDictionary(
            track => track.Id,
            track => earlier?._journals.GetValueOrDefault(track.Id)
                ?? new JournalIndex(Path.Combine(directory, ArchiveLayout.Journal(track.Id)), (long)(keep.TotalSeconds * track.Timescale)),
            StringComparer.Ordinal);
    }

    public string Directory { get; }

    public ArchiveRun Run { get; }

    /// <summary>The segment journaled under <paramref name="name"/> on any track, and where its bytes are.</summary>
    public bool TryFind(string name, [NotNullWhen(true)] out ArchivedSegmentLocation? location)
    {
        foreach (var track in Run.Tracks)
        {
            if (_journals[track.Id].TryFind(name, out var segment, out var newestEnd))
            {
                location = new ArchivedSegmentLocation(this, track, segment, newestEnd, Path.Combine(Directory, ArchiveLayout.LiveTrackFile(track.Id)));
                return true;
            }
        }

        location = null;
        return false;
    }
}
