using System.Globalization;
using System.Text;
using System.Xml;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// The finished run's <c>manifest.mpd</c>: a static on-demand MPD, one Representation per final track file, each
/// addressed as one indexed self-initializing segment (SegmentBase: the init range and the sidx range).
/// </summary>
internal static class VodManifestWriter
{
    private const string Namespace = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly string[] ContentTypes = ["video", "audio", "text"];

    public static byte[] Write(IReadOnlyList<FinalTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);

        // The period starts at the earliest track's first sample; each track's presentationTimeOffset is that same
        // instant in its own timescale, so tracks that start apart stay in sync.
        var start = tracks.Count == 0 ? 0 : tracks.Min(t => (double)t.EarliestTime / t.Timescale);
        var end = tracks.Count == 0 ? 0 : tracks.Max(t => ((double)t.EarliestTime / t.Timescale) + t.Duration);
        var longestSegment = tracks.SelectMany(t => t.Segments).Select(s => s.Seconds).DefaultIfEmpty(2).Max();

        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  " };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("MPD", Namespace);
            xml.WriteAttributeString("type", "static");
            xml.WriteAttributeString("profiles", "urn:mpeg:dash:profile:isoff-on-demand:2011");
            xml.WriteAttributeString("minBufferTime", Duration(longestSegment));
            xml.WriteAttributeString("mediaPresentationDuration", Duration(end - start));
            xml.WriteStartElement("Period", Namespace);
            xml.WriteAttributeString("id", "0");
            xml.WriteAttributeString("start", "PT0S");

            var adaptationSet = 0;
            foreach (var contentType in ContentTypes)
            {
                // One AdaptationSet per content type and language: DASH does not switch between languages within one.
                foreach (var group in tracks.Where(t => t.Track.ContentType == contentType).GroupBy(t => t.Track.Language, StringComparer.Ordinal))
                {
                    WriteAdaptationSet(xml, adaptationSet++, contentType, group.Key, [.. group], start);
                }
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return stream.ToArray();
    }

    private static void WriteAdaptationSet(XmlWriter xml, int id, string contentType, string language, IReadOnlyList<FinalTrack> tracks, double start)
    {
        xml.WriteStartElement("AdaptationSet", Namespace);
        xml.WriteAttributeString("id", Number(id));
        xml.WriteAttributeString("contentType", contentType);
        if (language.Length > 0)
        {
            xml.WriteAttributeString("lang", language);
        }

        xml.WriteAttributeString("segmentAlignment", "true");
        xml.WriteAttributeString("subsegmentAlignment", "true");
        if (tracks.All(t => t.Segments.All(s => s.Independent)))
        {
            xml.WriteAttributeString("subsegmentStartsWithSAP", "1");
        }

        foreach (var final in tracks)
        {
            var track = final.Track;
            xml.WriteStartElement("Representation", Namespace);
            xml.WriteAttributeString("id", track.Id);
            xml.WriteAttributeString("mimeType", track.MimeType);
            if (track.Codecs.Length > 0)
            {
                xml.WriteAttributeString("codecs", track.Codecs);
            }

            xml.WriteAttributeString("bandwidth", Number(final.Bandwidth));
            if (contentType == "video")
            {
                if (track.Width > 0 && track.Height > 0)
                {
                    xml.WriteAttributeString("width", Number(track.Width));
                    xml.WriteAttributeString("height", Number(track.Height));
                }

                if (track.FrameRate.Length > 0)
                {
                    xml.WriteAttributeString("frameRate", track.FrameRate);
                }
            }
            else if (contentType == "audio" && track.AudioSamplingRate > 0)
            {
                xml.WriteAttributeString("audioSamplingRate", Number(track.AudioSamplingRate));
            }

            xml.WriteElementString("BaseURL", Namespace, final.FileName);
            xml.WriteStartElement("SegmentBase", Namespace);
            xml.WriteAttributeString("indexRange", final.Index.ToDash());
            xml.WriteAttributeString("indexRangeExact", "true");
            xml.WriteAttributeString("timescale", Number(final.Timescale));
            var presentationTimeOffset = (long)Math.Round(start * final.Timescale);
            if (presentationTimeOffset > 0)
            {
                xml.WriteAttributeString("presentationTimeOffset", Number(presentationTimeOffset));
            }

            xml.WriteStartElement("Initialization", Namespace);
            xml.WriteAttributeString("range", final.Init.ToDash());
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>An xs:duration (ISO 8601): <c>PT1H2M3.5S</c>.</summary>
    private static string Duration(double seconds)
    {
        var milliseconds = (long)Math.Round(Math.Max(0, seconds) * 1000);
        var builder = new StringBuilder("PT");
        if (milliseconds >= 3_600_000)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{milliseconds / 3_600_000}H");
        }

        if (milliseconds >= 60_000)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{milliseconds / 60_000 % 60}M");
        }

        return builder.Append(CultureInfo.InvariantCulture, $"{milliseconds % 60_000 / 1000.0:0.###}S").ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
