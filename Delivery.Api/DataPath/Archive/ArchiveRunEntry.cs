using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Delivery.Archive;

/// <summary>One run in a channel's archive listing; the URLs are null until the run is final (its files are only written then).</summary>
/// <param name="Duration">The longest track's archived media time, in seconds.</param>
internal sealed record ArchiveRunEntry(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    double Duration,
    string? Mpd,
    string? Hls,
    IReadOnlyList<ArchiveTrackEntry> Tracks,
    IReadOnlyList<ArchiveGap> Gaps)
{
    /// <param name="runUrl">The absolute path of the run's folder, ending with a slash (<c>/live/demo/archive/20261202T101500Z/</c>).</param>
    public static ArchiveRunEntry Of(ArchiveRun run, string runUrl)
    {
        var final = run.State == ArchiveRunState.Final;
        return new ArchiveRunEntry(
            run.Id,
            run.StartedAt,
            run.EndedAt,
            run.Duration,
            final ? runUrl + ArchiveLayout.VodManifest : null,
            final ? runUrl + ArchiveLayout.VodMultivariantPlaylist : null,
            [.. run.Tracks.Select(track => new ArchiveTrackEntry(track.Id, track.ContentType, final ? runUrl + ArchiveLayout.TrackFile(track.Id) : null, track.Bytes))],
            run.Gaps);
    }
}
