using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Archive.Recording;

/// <summary>
/// What the archive keeps from the encoder's live MPD: each representation's description (for the VOD manifests),
/// the segment templates (which name is whose init segment) and the wall clock of media time 0.
/// </summary>
internal sealed class SourceManifest
{
    private static readonly XmlReaderSettings Settings = new()
    {
        // An uploaded document is untrusted: no DTD, no external entities.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 4 * 1024 * 1024,
    };

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

        XDocument xml;
        try
        {
            using var stream = new MemoryStream(mpd.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            xml = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var tracks = new Dictionary<string, ArchiveTrack>(StringComparer.Ordinal);
        var period = xml.Root!.Elements().LastOrDefault(e => e.Name.LocalName == "Period");
        var representations = Children(period, "AdaptationSet")
            .SelectMany(set => Children(set, "Representation").Select(representation => (set, representation)))
            .ToDictionary(pair => (string?)pair.representation.Attribute("id") ?? string.Empty, StringComparer.Ordinal);
        foreach (var track in document.Tracks)
        {
            if (track.Id.Length == 0 || !representations.TryGetValue(track.Id, out var pair))
            {
                continue;
            }

            var (set, representation) = pair;
            tracks[track.Id] = new ArchiveTrack
            {
                Id = track.Id,
                ContentType = track.ContentType,
                MimeType = Inherited(representation, set, "mimeType") ?? $"{track.ContentType}/mp4",
                Codecs = track.Codecs,
                Bandwidth = track.Bandwidth,
                Width = track.Width,
                Height = track.Height,
                FrameRate = Inherited(representation, set, "frameRate") ?? string.Empty,
                AudioSamplingRate = int.TryParse(Inherited(representation, set, "audioSamplingRate"), NumberStyles.None, CultureInfo.InvariantCulture, out var rate) ? rate : 0,
                Language = (string?)set.Attribute("lang") ?? string.Empty,
                InitName = InitNameOf(document.Templates, track.Id),
            };
        }

        DateTimeOffset? zero = DateTimeOffset.TryParse(document.AvailabilityStartTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            ? start
            : null;
        return new SourceManifest(document.IsStatic, zero, tracks, document.Templates);
    }

    private static string InitNameOf(IReadOnlyList<SegmentTemplate> templates, string track) =>
        templates.FirstOrDefault(t => t.Track == track && t.Suffix is null)?.Prefix ?? $"init-stream{track}.m4s";

    private static IEnumerable<XElement> Children(XElement? parent, string localName) =>
        parent?.Elements().Where(e => e.Name.LocalName == localName) ?? [];

    private static string? Inherited(XElement representation, XElement adaptationSet, string attribute) =>
        (string?)representation.Attribute(attribute) ?? (string?)adaptationSet.Attribute(attribute);
}
