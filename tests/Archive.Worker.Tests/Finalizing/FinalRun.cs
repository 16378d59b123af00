using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>A live run's tracks finalized by <see cref="TrackFinalizer"/> in its directory, for the manifest writers.</summary>
internal sealed record FinalRun(string Directory, IReadOnlyList<FinalTrack> Tracks)
{
    public static async Task<FinalRun> CreateAsync(string parent, IEnumerable<EncodedTrack> streams, Func<EncodedSegment, bool>? archived, CancellationToken cancellationToken)
    {
        var directory = LiveRun.Create(parent, streams, archived);
        var tracks = new List<FinalTrack>();
        foreach (var track in ArchiveFiles.ReadRun(directory)!.Tracks)
        {
            var journal = ArchiveFiles.ReadJournal(Path.Combine(directory, ArchiveLayout.Journal(track.Id)));
            tracks.Add(await TrackFinalizer.FinalizeAsync(directory, track, journal, cancellationToken));
        }

        return new FinalRun(directory, tracks);
    }

    public string PathOf(string name) => Path.Combine(Directory, name);
}
