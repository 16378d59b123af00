using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Scenarios;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// One channel of the soak: an encoder that pushes <see cref="Segments"/> segments of each rendition under a channel name
/// used once, then stops, either removing what it uploaded (ffmpeg's <c>-remove_at_exit 1</c>) or just going silent (an
/// encoder killed, a network gone), so that the origin's per-channel state must go both ways.
/// </summary>
internal sealed class SoakChannel(string name, IReadOnlyList<LiveUpload> uploads, int segments, TimeSpan segmentDuration, bool removeAtExit)
{
    public string Name { get; } = name;

    public IReadOnlyList<LiveUpload> Uploads { get; } = uploads;

    public int Segments { get; } = segments;

    public bool RemoveAtExit { get; } = removeAtExit;

    public long StartAt => Uploads[0].StartAt;

    /// <summary>The segment being uploaded at <paramref name="now"/> (0 before the first, more than <see cref="Segments"/> after the last).</summary>
    public int SegmentAt(long now) =>
        now < StartAt ? 0 : (int)(BenchClock.Milliseconds(StartAt, now) / segmentDuration.TotalMilliseconds) + 1;

    public async Task RunAsync(OriginStack origin, byte[] manifest, HttpClient deletes, ErrorCounts errors, CancellationToken cancellationToken)
    {
        var pushing = Uploads.Select(u => LiveScenario.RunEncoderAsync(origin, u, Segments, segmentDuration, deletes, errors, cancellationToken)).ToList();
        pushing.Add(LiveScenario.RunManifestAsync(origin, Uploads[0], Segments, segmentDuration, manifest, errors, cancellationToken));
        await Task.WhenAll(pushing);
        if (!RemoveAtExit)
        {
            return;
        }

        // ffmpeg removes at exit what its window still holds, the init segments and the manifest; a moment after the
        // last segment, so that its viewers have read it.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var paths = Uploads
            .SelectMany(u => Enumerable.Range(Math.Max(1, Segments - 5), Math.Min(6, Segments)).Select(u.SegmentPath).Append(u.InitPath))
            .Append($"/{Name}/out.mpd");
        await Task.WhenAll(paths.Select(p => LiveScenario.DeleteAsync(deletes, new Uri(origin.IngestUri, p), errors, cancellationToken)));
    }
}
