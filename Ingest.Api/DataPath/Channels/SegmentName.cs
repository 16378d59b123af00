using System.Globalization;
using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Ingest.Channels;

/// <summary>The track and number a segment's name tells: <c>chunk-stream0-00042.m4s</c> is segment 42 of track "0".</summary>
/// <param name="Track">Representation@id of the segment's track.</param>
/// <param name="Number">The segment's number; 0 for an init segment.</param>
internal readonly record struct SegmentName(string Track, long Number)
{
    private const string FfmpegInit = "init-stream";
    private const string FfmpegChunk = "chunk-stream";

    /// <summary>
    /// Reads <paramref name="name"/> with the manifest's templates when one matches, else by ffmpeg's default
    /// names (<c>init-stream$RepresentationID$.$ext$</c>, <c>chunk-stream$RepresentationID$-$Number%05d$.$ext$</c>).
    /// </summary>
    public static bool TryParse(string name, IReadOnlyList<SegmentTemplate> templates, out SegmentName segment)
    {
        foreach (var template in templates)
        {
            if (template.TryMatch(name, out var number))
            {
                segment = new SegmentName(template.Track, number);
                return true;
            }
        }

        return TryParseFfmpegDefault(name, out segment);
    }

    private static bool TryParseFfmpegDefault(string name, out SegmentName segment)
    {
        segment = default;
        var dot = name.LastIndexOf('.');
        var stem = dot > 0 ? name.AsSpan(0, dot) : name.AsSpan();
        if (stem.StartsWith(FfmpegInit, StringComparison.Ordinal))
        {
            var track = stem[FfmpegInit.Length..];
            if (track.IsEmpty || track.Contains('-'))
            {
                return false;
            }

            segment = new SegmentName(track.ToString(), 0);
            return true;
        }

        if (stem.StartsWith(FfmpegChunk, StringComparison.Ordinal))
        {
            var rest = stem[FfmpegChunk.Length..];
            var dash = rest.LastIndexOf('-');
            if (dash <= 0)
            {
                return false;
            }

            var digits = rest[(dash + 1)..];
            if (digits.IsEmpty || digits.Length > 18 || digits.ContainsAnyExceptInRange('0', '9')
                || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            segment = new SegmentName(rest[..dash].ToString(), number);
            return true;
        }

        return false;
    }
}
