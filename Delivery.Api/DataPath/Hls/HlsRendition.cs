using System.Globalization;

namespace CmafOrigin.Delivery.Hls;

/// <summary>One Representation of the MPD, as HLS needs it: its variant attributes and its segments' names.</summary>
internal sealed record HlsRendition(
    string Id,
    string ContentType,
    string Codecs,
    long Bandwidth,
    int Width,
    int Height,
    double FrameRate,
    string? AudioChannels,
    string? Language,
    string InitName,
    string MediaTemplate,
    long StartNumber,
    long Timescale,
    long SegmentDuration)
{
    public bool IsVideo => ContentType == "video";

    public bool IsAudio => ContentType == "audio";

    /// <summary>The name of media segment <paramref name="number"/>: <c>$Number%05d$</c> and <c>$Number$</c> filled in.</summary>
    public string SegmentName(long number)
    {
        var start = MediaTemplate.IndexOf("$Number", StringComparison.Ordinal);
        var end = MediaTemplate.IndexOf('$', start + 1);
        var format = MediaTemplate.AsSpan(start + 7, end - start - 7);
        var digits = number.ToString(CultureInfo.InvariantCulture);
        if (format.Length > 2 && format[0] == '%' && format[^1] == 'd'
            && int.TryParse(format[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var width))
        {
            digits = digits.PadLeft(Math.Min(width, 32), '0');
        }

        return string.Concat(MediaTemplate.AsSpan(0, start), digits, MediaTemplate.AsSpan(end + 1));
    }

    /// <summary>The nominal segment duration in seconds (SegmentTemplate@duration / @timescale).</summary>
    public double NominalSegmentSeconds => Timescale > 0 ? (double)SegmentDuration / Timescale : 0;
}
