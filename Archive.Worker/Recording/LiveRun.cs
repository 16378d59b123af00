using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Archive.Recording;

/// <summary>
/// A run being archived: its folder, one <see cref="ArchivedTrackFile"/> per track and the gaps found so far.
/// run.json is rewritten whole (by rename) after every change, so a reader sees the last complete state.
/// </summary>
internal sealed class LiveRun : IDisposable
{
    private readonly Dictionary<string, ArchivedTrackFile> _tracks;
    private readonly List<ArchiveGap> _gaps;
    private ArchiveRun _run;

    private LiveRun(string directory, ArchiveRun run, Dictionary<string, ArchivedTrackFile> tracks)
    {
        Directory = directory;
        _run = run;
        _tracks = tracks;
        _gaps = [.. run.Gaps];
    }

    public string Directory { get; }

    public string Id => _run.Id;

    public DateTimeOffset StartedAt => _run.StartedAt;

    public int SegmentCount => _tracks.Values.Sum(t => t.Count);

    /// <summary>Creates the folder of a new run; a second run starting in the same second gets a <c>-2</c>, <c>-3</c>… suffix.</summary>
    public static LiveRun Start(ArchiveLayout layout, string channel, DateTimeOffset startedAt, DateTimeOffset? mediaTimeZero)
    {
        var baseId = ArchiveLayout.RunId(startedAt);
        var id = baseId;
        var channelDirectory = layout.ChannelDirectory(channel);
        System.IO.Directory.CreateDirectory(channelDirectory);
        for (var n = 2; System.IO.Directory.Exists(Path.Combine(channelDirectory, id)); n++)
        {
            id = $"{baseId}-{n}";
        }

        var directory = System.IO.Directory.CreateDirectory(Path.Combine(channelDirectory, id)).FullName;
        var run = new LiveRun(directory, new ArchiveRun
        {
            Id = id,
            Channel = channel,
            State = ArchiveRunState.Live,
            StartedAt = startedAt,
            MediaTimeZero = mediaTimeZero,
        }, new Dictionary<string, ArchivedTrackFile>(StringComparer.Ordinal));
        run.Save();
        return run;
    }

    /// <summary>The newest run of <paramref name="channel"/> if it is still live, reopened where it stood; else null.</summary>
    public static LiveRun? Resume(ArchiveLayout layout, string channel)
    {
        // A run whose archiving failed stays as it was: resuming would append after segments it skipped.
        var newest = ArchiveFiles.ReadRuns(layout.ChannelDirectory(channel)).FirstOrDefault();
        if (newest is not { State: ArchiveRunState.Live, Error: null })
        {
            return null;
        }

        var directory = layout.RunDirectory(channel, newest.Id);
        var tracks = new Dictionary<string, ArchivedTrackFile>(StringComparer.Ordinal);
        foreach (var description in newest.Tracks)
        {
            if (ArchivedTrackFile.Reopen(directory, description) is { } track)
            {
                tracks[description.Id] = track;
            }
        }

        var run = new LiveRun(directory, newest, tracks);
        run.Save();
        return run;
    }

    /// <summary>Records in run.json why a run that ended could not be finalized.</summary>
    public static void MarkFailed(string directory, string error)
    {
        if (ArchiveFiles.ReadRun(directory) is { } run)
        {
            ArchiveFiles.WriteRun(directory, run with { Error = error });
        }
    }

    public ArchivedTrackFile? Track(string id) => _tracks.GetValueOrDefault(id);

    public ArchivedTrackFile AddTrack(ArchiveTrack description, byte[] init, CmafTrack track)
    {
        var file = ArchivedTrackFile.Create(Directory, description, init, track);
        _tracks[description.Id] = file;
        return file;
    }

    public void AddGap(string track, long from, long to, string reason)
    {
        // Consecutive missing segments of one track for the same reason are one gap.
        if (_gaps.Count > 0 && _gaps[^1] is var last && last.Track == track && last.Reason == reason && last.ToSegment + 1 == from)
        {
            _gaps[^1] = last with { ToSegment = to };
            return;
        }

        _gaps.Add(new ArchiveGap { Track = track, FromSegment = from, ToSegment = to, Reason = reason });
    }

    public void Fail(string error) => _run = _run with { Error = error };

    /// <summary>Writes run.json as the run stands.</summary>
    public void Save()
    {
        var tracks = _tracks.Values.Select(t => t.Describe()).ToList();
        _run = _run with
        {
            Tracks = tracks,
            Gaps = [.. _gaps],
            Duration = tracks.Count == 0 ? 0 : tracks.Max(t => t.Duration),
        };
        ArchiveFiles.WriteRun(Directory, _run);
    }

    public void Dispose()
    {
        foreach (var track in _tracks.Values)
        {
            track.Dispose();
        }
    }
}
