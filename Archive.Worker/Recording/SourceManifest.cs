using System.Globalization;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Archive.Recording;

/// <summary>
/// What the archive keeps from the encoder's live MPD: each representation's description (for the VOD manifests),
/// the segment templates (which name is whose init segment) and the wall clock of media time 0.
/// </summary>
internal sealed class SourceManifest
{
    private SourceManifest(bool isStatic, DateTimeOffset? mediaTimeZero, IReadOnlyDictionary<string, ArchiveTrack> tracks, IReadOnlyList<SegmentTemplate> templates)
    {
        IsStatic = isStatic;
        MediaTimeZero = mediaTimeZero;
        Tracks = tracks;
        Templates = templates;
    }

    /// <summary>ffmpeg writes a static MPD when it stops.</summary>
    public bool IsStatic { get; }

    public DateTimeOffset? MediaTimeZero { get; }

    /// <summary>By Representation@id, described as run.json keeps them (sizes and counts left at zero).</summary>
    public IReadOnlyDictionary<string, ArchiveTrack> Tracks { get; }

    public IReadOnlyList<SegmentTemplate> Templates { get; }

    /// <summary>The name of <paramref name="track"/>'s init segment: its template's, else ffmpeg's default.</summary>
    public static string InitName(SourceManifest? manifest, string track) => InitNameOf(manifest?.Templates ?? [], track);

    public static SourceManifest? TryParse(ReadOnlyMemory<byte> mpd)
    {
        if (ManifestDocument.TryParse(mpd) is not { } document)
        {
            return null;
        }

        var tracks = new Dictionary<string, ArchiveTrack>(StringComparer.Ordinal);
        foreach (var track in document.Tracks.Where(track => track.Id.Length > 0))
        {
            tracks.TryAdd(track.Id, new ArchiveTrack
            {
                Id = track.Id,
                ContentType = track.ContentType,
                MimeType = track.MimeType.Length > 0 ? track.MimeType : $"{track.ContentType}/mp4",
                Codecs = track.Codecs,
                Bandwidth = track.Bandwidth,
                Width = track.Width,
                Height = track.Height,
                FrameRate = track.FrameRate,
                AudioSamplingRate = track.AudioSamplingRate,
                Language = track.Language,
                InitName = InitNameOf(document.Templates, track.Id),
            });
        }

        DateTimeOffset? zero = DateTimeOffset.TryParse(document.AvailabilityStartTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : null;
        return new SourceManifest(document.IsStatic, zero, tracks, document.Templates);
    }

    private static string InitNameOf(IReadOnlyList<SegmentTemplate> templates, string track) =>
        templates.FirstOrDefault(t => t.Track == track && t.Suffix is null)?.Prefix ?? $"init-stream{track}.m4s";
}
