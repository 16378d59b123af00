using System.Diagnostics;
using System.Text;
using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// Ends a run: turns its live files (<c>{track}.mp4.part</c> and journals) into the final track files and VOD manifests
/// Delivery serves once run.json says final. Safe to call again after a crash at any step, and on a final run.
/// </summary>
/// <remarks>
/// 1. Run: read run.json; none → <see cref="RunFinalizationOutcome.NoRun"/>; final already → only the live files a
///    crash may have left are removed.
/// 2. Journals: read each track's; a track without a segment is dropped (no empty file, not in the manifests).
/// 3. Track files: each <c>{track}.mp4</c> written whole (beside, flushed, renamed). Invalid input → every track file
///    of the run removed, run.json untouched, <see cref="RunFinalizationOutcome.Invalid"/>.
/// 4. Manifests: manifest.mpd, master.m3u8 and each <c>{track}.m3u8</c>, each written whole.
/// 5. Commit: run.json with State=Final, the one write that makes the run final. A crash before it leaves the run
///    live and finalizing again rewrites the same files; after it, every file it names is on disk.
/// 6. Clean up: the live files go (journals stay).
/// I/O errors (disk full) and cancellation are thrown: the run stays live, finalizing again later is the retry.
/// </remarks>
internal sealed class RunFinalizer(ILogger<RunFinalizer> logger)
{
    public async Task<RunFinalization> FinalizeAsync(string runDirectory, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // 1. Run
        var run = ArchiveFiles.ReadRun(runDirectory);
        if (run is null)
        {
            return new RunFinalization(RunFinalizationOutcome.NoRun, null, []);
        }

        if (run.State == ArchiveRunState.Final)
        {
            RemoveLiveFiles(runDirectory);
            return new RunFinalization(RunFinalizationOutcome.AlreadyFinal, run, []);
        }

        // 2. Journals
        var journaled = new List<(ArchiveTrack Track, List<ArchivedSegment> Journal)>();
        foreach (var track in run.Tracks)
        {
            var journal = ArchiveFiles.ReadJournal(Path.Combine(runDirectory, ArchiveLayout.Journal(track.Id)));
            if (journal.Count == 0)
            {
                FinalizerLog.TrackDropped(logger, runDirectory, track.Id);
                continue;
            }

            journaled.Add((track, journal));
        }

        // 3. Track files
        var finals = new List<FinalTrack>(journaled.Count);
        try
        {
            foreach (var (track, journal) in journaled)
            {
                finals.Add(await TrackFinalizer.FinalizeAsync(runDirectory, track, journal, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (InvalidArchiveException e)
        {
            foreach (var track in run.Tracks)
            {
                File.Delete(Path.Combine(runDirectory, ArchiveLayout.TrackFile(track.Id)));
            }

            FinalizerLog.Invalid(logger, runDirectory, e.Message);
            return new RunFinalization(RunFinalizationOutcome.Invalid, run, [], e.Message);
        }

        // 4. Manifests
        ArchiveFiles.WriteAtomically(Path.Combine(runDirectory, ArchiveLayout.VodManifest), VodManifestWriter.Write(finals));
        ArchiveFiles.WriteAtomically(Path.Combine(runDirectory, ArchiveLayout.VodMultivariantPlaylist), Encoding.UTF8.GetBytes(VodPlaylistWriter.Multivariant(finals)));
        foreach (var final in finals)
        {
            ArchiveFiles.WriteAtomically(Path.Combine(runDirectory, VodPlaylistWriter.MediaPlaylistName(final)), Encoding.UTF8.GetBytes(VodPlaylistWriter.Media(final)));
        }

        // 5. Commit
        var finalRun = run with
        {
            State = ArchiveRunState.Final,
            EndedAt = endedAt,
            Duration = finals.Select(f => f.Duration).DefaultIfEmpty(0).Max(),
            Tracks = [.. finals.Select(f => f.Track with { Timescale = f.Timescale, Segments = f.Segments.Count, Bytes = f.FileSize, Duration = f.Duration })],
        };
        ArchiveFiles.WriteRun(runDirectory, finalRun);

        // 6. Clean up
        RemoveLiveFiles(runDirectory);
        FinalizerLog.Finalized(logger, runDirectory, finals.Count, finalRun.Duration, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new RunFinalization(RunFinalizationOutcome.Finalized, finalRun, finals);
    }

    /// <summary>Removes the run's live track files (on a final run: the ones a crash between steps 5 and 6 left).</summary>
    private void RemoveLiveFiles(string runDirectory)
    {
        foreach (var path in Directory.EnumerateFiles(runDirectory, "*.mp4.part").ToList())
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FinalizerLog.CleanupFailed(logger, e, runDirectory, Path.GetFileName(path));
            }
        }
    }
}
