using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CmafOrigin.Delivery.Manifests;

/// <summary>
/// Makes a live MPD advertise the DVR window as its <c>timeShiftBufferDepth</c>: players then let viewers seek that far
/// behind the live edge, and the segments older than what Redis holds are served from the archive. Like
/// <see cref="UtcTimingRewriter"/> the edit is textual and touches only the MPD start tag.
/// </summary>
internal static partial class TimeShiftRewriter
{
    /// <summary>The rewritten manifest, or the same array when nothing needed to change (not a dynamic MPD, or no window).</summary>
    public static byte[] Rewrite(byte[] manifest, TimeSpan depth)
    {
        if (depth <= TimeSpan.Zero)
        {
            return manifest;
        }

        if (!ManifestText.TryDecode(manifest, out var text))
        {
            return manifest;
        }

        var root = MpdStartTag().Match(text);
        // A static MPD (a finished presentation) has no time-shift buffer: nothing to advertise.
        if (!root.Success || TypeAttribute().Match(root.Value) is not { Success: true } type || type.Groups["value"].Value != "dynamic")
        {
            return manifest;
        }

        var value = Duration(depth);
        var tag = root.Value;
        var existing = DepthAttribute().Match(tag);
        var close = tag.EndsWith("/>", StringComparison.Ordinal) ? tag.Length - 2 : tag.Length - 1;
        var rewrittenTag = existing.Success
            ? string.Concat(tag.AsSpan(0, existing.Groups["value"].Index), value, tag.AsSpan(existing.Groups["value"].Index + existing.Groups["value"].Length))
            : string.Concat(tag.AsSpan(0, close).TrimEnd(), $" timeShiftBufferDepth=\"{value}\"", tag.AsSpan(close));
        if (rewrittenTag == tag)
        {
            return manifest;
        }

        return Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, root.Index), rewrittenTag, text.AsSpan(root.Index + root.Length)));
    }

    /// <summary>An xs:duration in seconds (<c>PT300S</c>, <c>PT1.5S</c>), the form encoders write and every player reads.</summary>
    internal static string Duration(TimeSpan depth) =>
        $"PT{Math.Round(depth.TotalSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture)}S";

    [GeneratedRegex(@"<(?:[A-Za-z_][\w.-]*:)?MPD\b[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex MpdStartTag();

    [GeneratedRegex(@"\stype\s*=\s*(?<quote>[""'])(?<value>[^""']*)\k<quote>", RegexOptions.CultureInvariant)]
    private static partial Regex TypeAttribute();

    [GeneratedRegex(@"\stimeShiftBufferDepth\s*=\s*(?<quote>[""'])(?<value>[^""']*)\k<quote>", RegexOptions.CultureInvariant)]
    private static partial Regex DepthAttribute();
}
