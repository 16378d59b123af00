using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace CmafOrigin.Delivery.Hls;

/// <summary>What LL-HLS takes from a channel's MPD: live or ended, its clock anchor and its representations.</summary>
internal sealed record HlsPresentation(bool IsStatic, DateTimeOffset? AvailabilityStartTime, TimeSpan PeriodStart, IReadOnlyList<HlsRendition> Renditions)
{
    /// <summary>The MPD signals CEA-608/708 captions in the video (an Accessibility descriptor with a SCTE cc scheme).</summary>
    public bool HasClosedCaptions { get; init; }

    /// <summary>How far back the encoder keeps segments available (the MPD's <c>timeShiftBufferDepth</c>), or null.</summary>
    public TimeSpan? TimeShiftBufferDepth { get; init; }

    private static readonly XmlReaderSettings Settings = new()
    {
        // An uploaded document is untrusted: no DTD, no external entities.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 4 * 1024 * 1024,
    };

    /// <summary>Reads an MPD; null with a reason when it is not one HLS can be made from (no number-based SegmentTemplate).</summary>
    public static HlsPresentation? TryParse(ReadOnlyMemory<byte> mpd, out string? error)
    {
        XElement? root;
        try
        {
            using var stream = new MemoryStream(mpd.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            root = XDocument.Load(reader).Root;
        }
        catch (XmlException ex)
        {
            error = $"the MPD is not XML ({ex.Message})";
            return null;
        }

        if (root is null || root.Name.LocalName != "MPD")
        {
            error = "the manifest is not an MPD";
            return null;
        }

        var period = Children(root, "Period").LastOrDefault();
        var renditions = new List<HlsRendition>();
        foreach (var adaptationSet in Children(period, "AdaptationSet"))
        {
            foreach (var representation in Children(adaptationSet, "Representation"))
            {
                var template = Children(representation, "SegmentTemplate").FirstOrDefault() ?? Children(adaptationSet, "SegmentTemplate").FirstOrDefault();
                var id = (string?)representation.Attribute("id");
                var init = (string?)template?.Attribute("initialization");
                var media = (string?)template?.Attribute("media");
                if (id is null || !IsPlainName(id) || init is null || media is null || !media.Contains("$Number", StringComparison.Ordinal) || media.Contains("$Time$", StringComparison.Ordinal))
                {
                    continue;
                }

                var bandwidth = Number(representation, adaptationSet, "bandwidth");
                renditions.Add(new HlsRendition(
                    id,
                    ContentType(adaptationSet, representation),
                    Inherited(representation, adaptationSet, "codecs") ?? string.Empty,
                    bandwidth,
                    (int)Math.Clamp(Number(representation, adaptationSet, "width"), 0, int.MaxValue),
                    (int)Math.Clamp(Number(representation, adaptationSet, "height"), 0, int.MaxValue),
                    FrameRate(Inherited(representation, adaptationSet, "frameRate")),
                    (string?)Children(representation, "AudioChannelConfiguration").Concat(Children(adaptationSet, "AudioChannelConfiguration")).FirstOrDefault()?.Attribute("value"),
                    (string?)adaptationSet.Attribute("lang"),
                    Fill(init, id, bandwidth),
                    Fill(media, id, bandwidth),
                    Math.Max(0, Number(template!, null, "startNumber", 1)),
                    Math.Max(1, Number(template!, null, "timescale", 1)),
                    Number(template!, null, "duration")));
            }
        }

        if (renditions.Count == 0)
        {
            error = "the MPD has no representation with a $Number$ SegmentTemplate";
            return null;
        }

        error = null;
        var ast = (string?)root.Attribute("availabilityStartTime");
        return new HlsPresentation(
            string.Equals((string?)root.Attribute("type"), "static", StringComparison.Ordinal),
            ast is not null && DateTimeOffset.TryParse(ast, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : null,
            Duration((string?)period?.Attribute("start")),
            renditions)
        {
            HasClosedCaptions = Children(period, "AdaptationSet")
                .SelectMany(a => Children(a, "Accessibility").Concat(Children(a, "Representation").SelectMany(r => Children(r, "Accessibility"))))
                .Any(a => ((string?)a.Attribute("schemeIdUri"))?.Contains(":cc:cea-", StringComparison.Ordinal) == true),
            TimeShiftBufferDepth = (string?)root.Attribute("timeShiftBufferDepth") is { } depth && Duration(depth) is { Ticks: > 0 } span ? span : null,
        };
    }

    private static IEnumerable<XElement> Children(XElement? parent, string localName) =>
        parent?.Elements().Where(e => e.Name.LocalName == localName) ?? [];

    private static string? Inherited(XElement representation, XElement adaptationSet, string attribute) =>
        (string?)representation.Attribute(attribute) ?? (string?)adaptationSet.Attribute(attribute);

    private static long Number(XElement element, XElement? parent, string attribute, long fallback = 0)
    {
        var text = (string?)element.Attribute(attribute) ?? (string?)parent?.Attribute(attribute);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    /// <summary>Names go into playlist names and URIs: only what an object path allows.</summary>
    private static bool IsPlainName(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string ContentType(XElement adaptationSet, XElement representation)
    {
        if ((string?)adaptationSet.Attribute("contentType") is { Length: > 0 } contentType)
        {
            return contentType;
        }

        var mimeType = Inherited(representation, adaptationSet, "mimeType");
        var slash = mimeType?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0 ? mimeType![..slash] : string.Empty;
    }

    /// <summary><c>$RepresentationID$</c> and <c>$Bandwidth$</c> filled in; <c>$Number…$</c> left for <see cref="HlsRendition.SegmentName"/>.</summary>
    private static string Fill(string template, string id, long bandwidth) =>
        template.Replace("$RepresentationID$", id, StringComparison.Ordinal)
            .Replace("$Bandwidth$", bandwidth.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$$", "$", StringComparison.Ordinal);

    private static double FrameRate(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) ? rate : 0
            : double.TryParse(text[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var numerator)
              && double.TryParse(text[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var denominator) && denominator > 0
                ? numerator / denominator
                : 0;
    }

    private static TimeSpan Duration(string? text)
    {
        try
        {
            return text is null ? TimeSpan.Zero : XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            return TimeSpan.Zero;
        }
    }
}
