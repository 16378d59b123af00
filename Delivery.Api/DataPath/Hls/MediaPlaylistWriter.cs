using System.Globalization;
using System.Text;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Delivery.Hls;

/// <summary>Writes one rendition's LL-HLS media playlist (RFC 8216bis, version 9) from its snapshot.</summary>
internal static class MediaPlaylistWriter
{
    public static string Write(HlsChannelView channel, RenditionSnapshot rendition, IReadOnlyList<RenditionSnapshot> all, PlaylistTiming timing, bool skip)
    {
        var segments = rendition.Segments.Where(s => s.Parts.Count > 0).ToList();
        var timescale = (double)rendition.Track.Timescale;
        var ended = channel.Presentation.IsStatic && segments.Count > 0 && segments[^1].Complete;
        var text = new StringBuilder(4096);
        text.Append("#EXTM3U\n#EXT-X-VERSION:9\n");
        Line(text, $"#EXT-X-TARGETDURATION:{timing.TargetDuration}");
        Line(text, $"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL={Seconds(timing.CanSkipUntil)},PART-HOLD-BACK={Seconds(timing.PartHoldBack)}");
        Line(text, $"#EXT-X-PART-INF:PART-TARGET={Seconds(timing.PartTarget)}");
        Line(text, $"#EXT-X-MEDIA-SEQUENCE:{(segments.Count > 0 ? segments[0].Number : rendition.Rendition.StartNumber)}");
        Line(text, $"#EXT-X-MAP:URI=\"{rendition.Rendition.InitName}\"");

        // Where each segment ends, counted back from the playlist's end: what decides parts listed and segments skipped.
        // Summed in the track's timescale, so a segment that ends exactly on the skip boundary is seen to.
        var total = segments.Sum(s => s.Duration);
        var endsAt = new double[segments.Count];
        long elapsed = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            elapsed += segments[i].Duration;
            endsAt[i] = (total - elapsed) / timescale;
        }

        var skipped = 0;
        if (skip)
        {
            // The segments before the skip boundary (CAN-SKIP-UNTIL from the end) go; what is left spans at least that.
            while (skipped < segments.Count && segments[skipped].Complete && endsAt[skipped] >= timing.CanSkipUntil)
            {
                skipped++;
            }

            if (skipped > 0)
            {
                Line(text, $"#EXT-X-SKIP:SKIPPED-SEGMENTS={skipped}");
            }
        }

        for (var i = skipped; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (ProgramDateTime(channel.Presentation, rendition.Track, segment) is { } programDateTime)
            {
                Line(text, $"#EXT-X-PROGRAM-DATE-TIME:{programDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}");
            }

            // Parts of the segments that end within 3 target durations of the end; older ones go, as the RFC allows.
            if (!segment.Complete || endsAt[i] < 3 * timing.TargetDuration)
            {
                foreach (var part in segment.Parts)
                {
                    var name = HlsNames.Part(channel.BaseName, rendition.Rendition.Id, part.DecodeTime);
                    Line(text, $"#EXT-X-PART:DURATION={Duration(part.Duration / timescale)},URI=\"{name}\"{(part.Independent ? ",INDEPENDENT=YES" : string.Empty)}");
                }
            }

            if (segment.Complete)
            {
                Line(text, $"#EXTINF:{Duration(segment.Duration / timescale)},");
                Line(text, segment.Name);
            }
        }

        if (!ended && rendition.NextPartTime is { } next)
        {
            Line(text, $"#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"{HlsNames.Part(channel.BaseName, rendition.Rendition.Id, next)}\"");
        }

        foreach (var sibling in all)
        {
            if (sibling.Rendition.Id != rendition.Rendition.Id && sibling.Segments.LastOrDefault(s => s.Parts.Count > 0) is { } last)
            {
                Line(text, $"#EXT-X-RENDITION-REPORT:URI=\"{HlsNames.MediaPlaylist(channel.BaseName, sibling.Rendition.Id)}\",LAST-MSN={last.Number},LAST-PART={last.Parts.Count - 1}");
            }
        }

        if (ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The wall-clock time of the segment's first sample: the MPD's availabilityStartTime plus its media time (the clock
    /// dash.js measures latency against), or the chunk's prft when the MPD has no availabilityStartTime.
    /// </summary>
    public static DateTimeOffset? ProgramDateTime(HlsPresentation presentation, CmafTrack track, HlsSegment segment)
    {
        var timescale = (double)track.Timescale;
        if (presentation.AvailabilityStartTime is { } start)
        {
            return start + presentation.PeriodStart + TimeSpan.FromSeconds(segment.DecodeTime / timescale);
        }

        return segment.Parts[0].ProducerTime is { } producer
            ? producer.WallClock + TimeSpan.FromSeconds((segment.DecodeTime - producer.MediaTime) / timescale)
            : null;
    }

    private static string Duration(double seconds) => seconds.ToString("0.00000", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds.ToString("0.0##", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
