using System.Globalization;
using System.Text;

namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// One representation's segment names, from its manifest's SegmentTemplate: the name of a media segment is
/// <see cref="Prefix"/> + number + <see cref="Suffix"/>; an init segment's is exactly <see cref="Prefix"/>.
/// </summary>
/// <param name="Track">Representation@id.</param>
/// <param name="Prefix">What comes before the number (or the whole name of an init segment).</param>
/// <param name="Suffix">What comes after the number; null for an init segment.</param>
public sealed record SegmentTemplate(string Track, string Prefix, string? Suffix)
{
    /// <summary>True when <paramref name="name"/> is one of this representation's segments; init segments have number 0.</summary>
    public bool TryMatch(string name, out long number)
    {
        number = 0;
        if (Suffix is null)
        {
            return string.Equals(name, Prefix, StringComparison.Ordinal);
        }

        if (name.Length <= Prefix.Length + Suffix.Length
            || !name.StartsWith(Prefix, StringComparison.Ordinal)
            || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length);
        return digits.Length <= 18
            && !digits.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>
    /// Resolves a DASH template (<c>chunk-stream$RepresentationID$-$Number%05d$.m4s</c>) for one representation;
    /// null when the names carry no number this origin can read ($Time$ templates) or the template is malformed.
    /// </summary>
    public static SegmentTemplate? Resolve(string template, string representationId, long bandwidth, bool initialization)
    {
        var prefix = new StringBuilder();
        StringBuilder? suffix = null;
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('$', i);
            var target = suffix ?? prefix;
            if (open < 0)
            {
                target.Append(template, i, template.Length - i);
                break;
            }

            target.Append(template, i, open - i);
            var close = template.IndexOf('$', open + 1);
            if (close < 0)
            {
                return null;
            }

            var identifier = template.AsSpan(open + 1, close - open - 1);
            var format = identifier.IndexOf('%');
            var name = format < 0 ? identifier : identifier[..format];
            switch (name)
            {
                case "":
                    target.Append('$');
                    break;
                case "RepresentationID":
                    target.Append(representationId);
                    break;
                case "Bandwidth":
                    target.Append(Format(bandwidth, format < 0 ? default : identifier[format..]));
                    break;
                case "Number" when !initialization && suffix is null:
                    suffix = new StringBuilder();
                    break;
                default:
                    // $Time$, $SubNumber$, a second $Number$: not a name this origin can number.
                    return null;
            }

            i = close + 1;
        }

        if (!initialization && suffix is null)
        {
            return null;
        }

        return new SegmentTemplate(representationId, prefix.ToString(), suffix?.ToString());
    }

    /// <summary>One line per template, tab-separated, for the channel hash.</summary>
    public static string Serialize(IEnumerable<SegmentTemplate> templates) =>
        string.Join('\n', templates.Select(t => t.Suffix is null ? $"i\t{t.Track}\t{t.Prefix}" : $"m\t{t.Track}\t{t.Prefix}\t{t.Suffix}"));

    /// <summary>Reads what <see cref="Serialize"/> wrote; skips lines it does not understand.</summary>
    public static IReadOnlyList<SegmentTemplate> Deserialize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var templates = new List<SegmentTemplate>();
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split('\t');
            switch (parts)
            {
                case ["i", var track, var name]:
                    templates.Add(new SegmentTemplate(track, name, null));
                    break;
                case ["m", var track, var prefix, var suffix]:
                    templates.Add(new SegmentTemplate(track, prefix, suffix));
                    break;
                default:
                    break;
            }
        }

        return templates;
    }

    private static string Format(long value, ReadOnlySpan<char> format)
    {
        // DASH format tags are printf-style "%0<width>d".
        if (format.Length > 2 && format[0] == '%' && format[^1] == 'd'
            && int.TryParse(format[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var width))
        {
            return value.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Min(width, 32), '0');
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }
}
