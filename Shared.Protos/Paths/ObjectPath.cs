using System.Diagnostics.CodeAnalysis;

namespace CmafOrigin.Contracts.Paths;

/// <summary>
/// The path of an object on the origin, e.g. <c>live/demo/chunk-stream0-00042.m4s</c>:
/// a channel (the directory, <c>live/demo</c>) and a name (<c>chunk-stream0-00042.m4s</c>).
/// </summary>
/// <remarks>
/// Parsed from the raw request target, before any decoding or dot-segment removal, so that
/// <c>%2e%2e</c>, <c>..</c> and backslashes are refused rather than normalised into another path
/// (the path traversal that hit a popular Go origin). The allowed characters never need
/// percent-encoding, so a <c>%</c> anywhere is an error.
/// </remarks>
public readonly record struct ObjectPath
{
    public const int MaxLength = 512;
    public const int MaxSegments = 16;

    private ObjectPath(string value, int nameStart)
    {
        Value = value;
        Channel = nameStart == 0 ? string.Empty : value[..(nameStart - 1)];
        Name = value[nameStart..];
    }

    /// <summary>The path without its leading slash.</summary>
    public string Value { get; }

    /// <summary>The directory holding the object; empty at the root.</summary>
    public string Channel { get; }

    /// <summary>The last segment of the path.</summary>
    public string Name { get; }

    /// <summary>The extension of <see cref="Name"/> in lower case, with its dot, or empty.</summary>
    public string Extension
    {
        get
        {
            var dot = Name.LastIndexOf('.');
            return dot <= 0 ? string.Empty : Name[dot..].ToLowerInvariant();
        }
    }

    public override string ToString() => Value;

    /// <summary>Parses the path part of a request target such as <c>/live/demo/out.mpd?x=1</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> rawTarget, out ObjectPath path, [NotNullWhen(false)] out string? error)
    {
        path = default;
        var query = rawTarget.IndexOfAny('?', '#');
        var raw = query >= 0 ? rawTarget[..query] : rawTarget;

        if (raw.Length < 2 || raw[0] != '/')
        {
            error = "the path must name an object below /";
            return false;
        }

        raw = raw[1..];
        if (raw.Length > MaxLength)
        {
            error = $"the path is longer than {MaxLength} characters";
            return false;
        }

        var segments = 0;
        var segmentStart = 0;
        for (var i = 0; i <= raw.Length; i++)
        {
            if (i < raw.Length && raw[i] != '/')
            {
                if (!IsAllowed(raw[i]))
                {
                    error = raw[i] == '%'
                        ? "percent-encoded characters are not allowed in object paths"
                        : "the path may contain only A-Z, a-z, 0-9, '.', '_', '-' and '/'";
                    return false;
                }

                continue;
            }

            var segment = raw[segmentStart..i];
            if (segment.IsEmpty)
            {
                error = "the path has an empty segment";
                return false;
            }

            if (segment is "." or "..")
            {
                error = "'.' and '..' are not allowed as path segments";
                return false;
            }

            if (++segments > MaxSegments)
            {
                error = $"the path has more than {MaxSegments} segments";
                return false;
            }

            segmentStart = i + 1;
        }

        var value = raw.ToString();
        path = new ObjectPath(value, value.LastIndexOf('/') + 1);
        error = null;
        return true;
    }

    public static ObjectPath Parse(string rawTarget) =>
        TryParse(rawTarget, out var path, out var error) ? path : throw new FormatException(error);

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
