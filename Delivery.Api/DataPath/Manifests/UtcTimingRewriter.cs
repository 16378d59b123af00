using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace CmafOrigin.Delivery.Manifests;

/// <summary>
/// Makes an MPD's clock source this origin's <c>/time</c>. Encoders point UTCTiming at time servers a
/// player may not reach (ffmpeg's default is a public one); a player that cannot sync its clock misses
/// the live edge. The edit is textual and touches only UTCTiming start tags and, when one is added,
/// the line before <c>&lt;/MPD&gt;</c>: nothing else in the document changes.
/// </summary>
internal static partial class UtcTimingRewriter
{
    /// <summary>The scheme an added element uses; dash.js and ffmpeg both read it.</summary>
    internal const string XsDateScheme = "urn:mpeg:dash:utc:http-xsdate:2014";

    /// <summary>Schemes our /time answers (body as xs:dateTime/ISO, or the Date header).</summary>
    private static readonly string[] HttpSchemes =
    [
        XsDateScheme,
        "urn:mpeg:dash:utc:http-iso:2014",
        "urn:mpeg:dash:utc:http-head:2014",
    ];

    /// <summary>The rewritten manifest, or the same array when nothing needed to change (or it is not an MPD).</summary>
    public static byte[] Rewrite(byte[] manifest, string timeUrl, UtcTimingMode mode)
    {
        if (mode == UtcTimingMode.Keep)
        {
            return manifest;
        }

        if (!ManifestText.TryDecode(manifest, out var text))
        {
            return manifest;
        }

        var root = MpdEnd().Match(text);
        if (!root.Success)
        {
            return manifest;
        }

        var escapedUrl = SecurityElement.Escape(timeUrl);
        var found = false;
        var rewritten = UtcTimingStartTag().Replace(text, tag =>
        {
            found = true;
            return mode == UtcTimingMode.Replace ? PointAtOrigin(tag.Value, escapedUrl) : tag.Value;
        });

        if (!found)
        {
            // Inserted as the MPD's last child, where the schema puts UTCTiming, with the indentation of its siblings.
            var end = MpdEnd().Match(rewritten);
            var prefix = end.Groups["prefix"].Value;
            var element = $"""{end.Groups["indent"].Value}  <{prefix}UTCTiming schemeIdUri="{XsDateScheme}" value="{escapedUrl}"/>{Environment.NewLine}""";
            rewritten = rewritten.Insert(end.Groups["indent"].Index, element);
        }

        return rewritten == text ? manifest : Encoding.UTF8.GetBytes(rewritten);
    }

    private static string PointAtOrigin(string tag, string escapedUrl)
    {
        var scheme = SchemeAttribute().Match(tag);
        if (scheme.Success && !HttpSchemes.Contains(scheme.Groups["value"].Value, StringComparer.Ordinal))
        {
            // e.g. urn:mpeg:dash:utc:direct:2014 carries a time, not a URL: make it one our /time answers.
            tag = string.Concat(tag.AsSpan(0, scheme.Groups["value"].Index), XsDateScheme, tag.AsSpan(scheme.Groups["value"].Index + scheme.Groups["value"].Length));
        }

        var value = ValueAttribute().Match(tag);
        if (value.Success)
        {
            return string.Concat(tag.AsSpan(0, value.Groups["value"].Index), escapedUrl, tag.AsSpan(value.Groups["value"].Index + value.Groups["value"].Length));
        }

        var close = tag.EndsWith("/>", StringComparison.Ordinal) ? tag.Length - 2 : tag.Length - 1;
        return string.Concat(tag.AsSpan(0, close).TrimEnd(), $" value=\"{escapedUrl}\"", tag.AsSpan(close));
    }

    [GeneratedRegex(@"<(?:[A-Za-z_][\w.-]*:)?UTCTiming\b[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex UtcTimingStartTag();

    [GeneratedRegex(@"\sschemeIdUri\s*=\s*(?<quote>[""'])(?<value>[^""']*)\k<quote>", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeAttribute();

    [GeneratedRegex(@"\svalue\s*=\s*(?<quote>[""'])(?<value>[^""']*)\k<quote>", RegexOptions.CultureInvariant)]
    private static partial Regex ValueAttribute();

    [GeneratedRegex(@"(?<indent>[ \t]*)</(?<prefix>[A-Za-z_][\w.-]*:)?MPD\s*>", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex MpdEnd();
}
