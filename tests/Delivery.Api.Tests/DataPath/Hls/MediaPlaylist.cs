using System.Globalization;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>A media playlist as a test reads it: its header values, segments and parts, preload hint and reports.</summary>
internal sealed record MediaPlaylist(
    int Version,
    int TargetDuration,
    double PartTarget,
    double PartHoldBack,
    double CanSkipUntil,
    long MediaSequence,
    string? Map,
    IReadOnlyList<PlaylistSegment> Segments,
    string? PreloadHint,
    IReadOnlyList<string> RenditionReports,
    bool Ended,
    int Skipped)
{
    public static MediaPlaylist Parse(string text)
    {
        int version = 0, target = 0, skipped = 0;
        double partTarget = 0, holdBack = 0, canSkip = 0;
        long sequence = 0;
        string? map = null, hint = null;
        var ended = false;
        var reports = new List<string>();
        var segments = new List<PlaylistSegment>();
        var parts = new List<PlaylistPart>();
        DateTimeOffset? programDateTime = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (tag, value) = line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && line.StartsWith('#') ? (line[..colon], line[(colon + 1)..]) : (line, string.Empty);
            switch (tag)
            {
                case "#EXT-X-VERSION": version = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "#EXT-X-TARGETDURATION": target = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "#EXT-X-PART-INF": partTarget = Number(Attribute(value, "PART-TARGET")!); break;
                case "#EXT-X-SERVER-CONTROL":
                    holdBack = Number(Attribute(value, "PART-HOLD-BACK")!);
                    canSkip = Number(Attribute(value, "CAN-SKIP-UNTIL")!);
                    break;
                case "#EXT-X-MEDIA-SEQUENCE": sequence = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "#EXT-X-MAP": map = Attribute(value, "URI"); break;
                case "#EXT-X-SKIP": skipped = int.Parse(Attribute(value, "SKIPPED-SEGMENTS")!, CultureInfo.InvariantCulture); break;
                case "#EXT-X-PROGRAM-DATE-TIME": programDateTime = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture); break;
                case "#EXT-X-PART":
                    parts.Add(new PlaylistPart(Attribute(value, "URI")!, Number(Attribute(value, "DURATION")!), Attribute(value, "INDEPENDENT") == "YES"));
                    break;
                case "#EXTINF":
                    segments.Add(new PlaylistSegment(0, Number(value.TrimEnd(',')), null, programDateTime, [.. parts]));
                    parts.Clear();
                    programDateTime = null;
                    break;
                case "#EXT-X-PRELOAD-HINT": hint = Attribute(value, "URI"); break;
                case "#EXT-X-RENDITION-REPORT": reports.Add(value); break;
                case "#EXT-X-ENDLIST": ended = true; break;
                default:
                    if (!line.StartsWith('#') && segments.Count > 0 && segments[^1].Uri is null)
                    {
                        segments[^1] = segments[^1] with { Uri = line };
                    }

                    break;
            }
        }

        if (parts.Count > 0)
        {
            // The segment still uploading: parts, no EXTINF yet.
            segments.Add(new PlaylistSegment(0, 0, null, programDateTime, [.. parts]));
        }

        for (var i = 0; i < segments.Count; i++)
        {
            segments[i] = segments[i] with { Number = sequence + skipped + i };
        }

        return new MediaPlaylist(version, target, partTarget, holdBack, canSkip, sequence, map, segments, hint, reports, ended, skipped);
    }

    public static string? Attribute(string list, string name)
    {
        foreach (var item in SplitAttributes(list))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && item[..equals] == name)
            {
                return item[(equals + 1)..].Trim('"');
            }
        }

        return null;
    }

    private static IEnumerable<string> SplitAttributes(string list)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= list.Length; i++)
        {
            if (i == list.Length || (list[i] == ',' && !quoted))
            {
                yield return list[start..i];
                start = i + 1;
            }
            else if (list[i] == '"')
            {
                quoted = !quoted;
            }
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

/// <summary>One segment of a media playlist: Duration is 0 and Uri null while it is still uploading.</summary>
internal sealed record PlaylistSegment(long Number, double Duration, string? Uri, DateTimeOffset? ProgramDateTime, IReadOnlyList<PlaylistPart> Parts)
{
    public bool Complete => Uri is not null;
}

internal sealed record PlaylistPart(string Uri, double Duration, bool Independent);
