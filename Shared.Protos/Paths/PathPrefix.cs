using System.Diagnostics.CodeAnalysis;

namespace CmafOrigin.Contracts.Paths;

/// <summary>
/// A part of the path space granted to someone (an encoder's credential, a playback token), matched on whole
/// segments: <c>live/studio-a</c> and <c>live/studio-a/</c> both cover <c>live/studio-a/out.mpd</c> and never
/// <c>live/studio-a2/out.mpd</c>; <c>/</c> covers every path.
/// </summary>
/// <remarks>
/// Compared with <see cref="ObjectPath.Value"/>, which is parsed from the raw request target and never decoded or
/// normalised, so no spelling of a path outside the prefix (<c>%2e%2e</c>, <c>..</c>, backslashes) can match it.
/// </remarks>
public readonly record struct PathPrefix
{
    private PathPrefix(string value) => Value = value;

    /// <summary>Every path.</summary>
    public static PathPrefix Everything { get; } = new(string.Empty);

    /// <summary>The prefix without leading or trailing slash; empty for every path.</summary>
    public string Value { get => field ?? string.Empty; }

    /// <summary>Whether this prefix grants <paramref name="path"/>.</summary>
    public bool Covers(ObjectPath path)
    {
        var prefix = Value;
        var value = path.Value;
        return prefix.Length == 0
            || (value.StartsWith(prefix, StringComparison.Ordinal) && (value.Length == prefix.Length || value[prefix.Length] == '/'));
    }

    /// <summary>How it is shown and configured: <c>/</c> for every path, else <c>live/studio-a/</c>.</summary>
    public override string ToString() => Value.Length == 0 ? "/" : Value + "/";

    /// <summary>
    /// Parses <c>live/studio-a/</c>, <c>/live/studio-a</c> or <c>/</c> (every path). Empty text is refused: a grant
    /// of everything must be written as <c>/</c>, so a forgotten setting never grants it.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PathPrefix prefix, [NotNullWhen(false)] out string? error)
    {
        prefix = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the prefix is empty (write '/' to grant every path)";
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed == "/")
        {
            prefix = Everything;
            error = null;
            return true;
        }

        var value = trimmed.Trim('/');
        // The same rules as an object's path: allowed characters, no '.' or '..' segment, no empty segment.
        if (!ObjectPath.TryParse("/" + value, out _, out var pathError))
        {
            error = $"'{text}' is not a valid path prefix: {pathError}";
            return false;
        }

        prefix = new PathPrefix(value);
        error = null;
        return true;
    }

    public static PathPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);
}
