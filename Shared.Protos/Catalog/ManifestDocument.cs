using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using CmafOrigin.Contracts.V1;

namespace CmafOrigin.Contracts.Catalog;

/// <summary>What the catalog reads from a DASH manifest: whether it is final, its tracks and its segment names.</summary>
public sealed class ManifestDocument
{
    private static readonly XmlReaderSettings Settings = new()
    {
        // An uploaded document is untrusted: no DTD, no external entities.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 4 * 1024 * 1024,
    };

    private ManifestDocument(bool isStatic, string? availabilityStartTime, IReadOnlyList<Track> tracks, IReadOnlyList<SegmentTemplate> templates)
    {
        IsStatic = isStatic;
        AvailabilityStartTime = availabilityStartTime;
        Tracks = tracks;
        Templates = templates;
    }

    /// <summary><c>type="static"</c>: the encoder finished (ffmpeg writes a static MPD when it stops).</summary>
    public bool IsStatic { get; }

    /// <summary>
    /// <c>MPD@availabilityStartTime</c> as written: fixed for one run of an encoder, new when it restarts, so two encoders
    /// on one channel show as manifests whose start time flips.
    /// </summary>
    public string? AvailabilityStartTime { get; }

    /// <summary>One per Representation of the last Period, in document order, without segment numbers.</summary>
    public IReadOnlyList<Track> Tracks { get; }

    /// <summary>Initialization and media templates of every representation that has them.</summary>
    public IReadOnlyList<SegmentTemplate> Templates { get; }

    /// <summary>Reads an MPD; null when the bytes are not an MPD (bad XML, another root element).</summary>
    public static ManifestDocument? TryParse(ReadOnlyMemory<byte> mpd)
    {
        XDocument document;
        try
        {
            using var stream = new MemoryStream(mpd.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var root = document.Root;
        if (root is null || root.Name.LocalName != "MPD")
        {
            return null;
        }

        var isStatic = string.Equals((string?)root.Attribute("type"), "static", StringComparison.Ordinal);
        var period = root.Elements().LastOrDefault(e => e.Name.LocalName == "Period");
        var tracks = new List<Track>();
        var templates = new List<SegmentTemplate>();
        foreach (var adaptationSet in Children(period, "AdaptationSet"))
        {
            foreach (var representation in Children(adaptationSet, "Representation"))
            {
                var id = (string?)representation.Attribute("id") ?? string.Empty;
                var bandwidth = Number(representation, null, "bandwidth");
                tracks.Add(new Track
                {
                    Id = id,
                    ContentType = ContentType(adaptationSet, representation),
                    Codecs = Inherited(representation, adaptationSet, "codecs") ?? string.Empty,
                    Bandwidth = bandwidth,
                    Width = (int)Math.Clamp(Number(representation, adaptationSet, "width"), 0, int.MaxValue),
                    Height = (int)Math.Clamp(Number(representation, adaptationSet, "height"), 0, int.MaxValue),
                    MimeType = Inherited(representation, adaptationSet, "mimeType") ?? string.Empty,
                    FrameRate = Inherited(representation, adaptationSet, "frameRate") ?? string.Empty,
                    AudioSamplingRate = (int)Math.Clamp(Number(representation, adaptationSet, "audioSamplingRate"), 0, int.MaxValue),
                    Language = (string?)adaptationSet.Attribute("lang") ?? string.Empty,
                });

                // A Representation's own SegmentTemplate overrides its AdaptationSet's.
                var template = Children(representation, "SegmentTemplate").FirstOrDefault()
                    ?? Children(adaptationSet, "SegmentTemplate").FirstOrDefault();
                if (template is null || id.Length == 0)
                {
                    continue;
                }

                if ((string?)template.Attribute("initialization") is { } init
                    && SegmentTemplate.Resolve(init, id, bandwidth, initialization: true) is { } initTemplate)
                {
                    templates.Add(initTemplate);
                }

                if ((string?)template.Attribute("media") is { } media
                    && SegmentTemplate.Resolve(media, id, bandwidth, initialization: false) is { } mediaTemplate)
                {
                    templates.Add(mediaTemplate);
                }
            }
        }

        return new ManifestDocument(isStatic, (string?)root.Attribute("availabilityStartTime"), tracks, templates);
    }

    private static IEnumerable<XElement> Children(XElement? parent, string localName) =>
        parent?.Elements().Where(e => e.Name.LocalName == localName) ?? [];

    private static string? Inherited(XElement representation, XElement adaptationSet, string attribute) =>
        (string?)representation.Attribute(attribute) ?? (string?)adaptationSet.Attribute(attribute);

    private static long Number(XElement element, XElement? parent, string attribute)
    {
        var text = (string?)element.Attribute(attribute) ?? (string?)parent?.Attribute(attribute);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    private static string ContentType(XElement adaptationSet, XElement representation)
    {
        if ((string?)adaptationSet.Attribute("contentType") is { Length: > 0 } contentType)
        {
            return contentType;
        }

        // Without contentType, the MIME type's top level says it: video/mp4 → video.
        var mimeType = Inherited(representation, adaptationSet, "mimeType");
        var slash = mimeType?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0 ? mimeType![..slash] : string.Empty;
    }
}
