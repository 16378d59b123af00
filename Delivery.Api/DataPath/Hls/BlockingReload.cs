using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace CmafOrigin.Delivery.Hls;

/// <summary>The delivery directives of a media playlist request: <c>_HLS_msn</c>, <c>_HLS_part</c>, <c>_HLS_skip</c>.</summary>
internal sealed record BlockingReload(long? Msn, int? Part, bool Skip)
{
    /// <summary>Reads the directives; null with a reason for a 400 (a malformed value, or a part without a segment).</summary>
    public static BlockingReload? TryParse(IQueryCollection query, out string? error)
    {
        error = null;
        long? msn = null;
        int? part = null;
        if (query.TryGetValue("_HLS_msn", out var msnText))
        {
            if (!TryNumber(msnText, out var value))
            {
                error = "_HLS_msn must be one non-negative integer";
                return null;
            }

            msn = value;
        }

        if (query.TryGetValue("_HLS_part", out var partText))
        {
            if (!TryNumber(partText, out var value) || value > int.MaxValue)
            {
                error = "_HLS_part must be one non-negative integer";
                return null;
            }

            if (msn is null)
            {
                error = "_HLS_part without _HLS_msn";
                return null;
            }

            part = (int)value;
        }

        var skip = query.TryGetValue("_HLS_skip", out var skipText) && (skipText == "YES" || skipText == "v2");
        return new BlockingReload(msn, part, skip);
    }

    private static bool TryNumber(StringValues text, out long value)
    {
        value = 0;
        return text.Count == 1 && long.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
