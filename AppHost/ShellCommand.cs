namespace CmafOrigin.AppHost;

/// <summary>Formats a command for a POSIX shell, so what the banner prints can be pasted as is.</summary>
internal static class ShellCommand
{
    /// <summary>Quotes what needs it; one line per group, joined with backslash continuations.</summary>
    public static string Format(IEnumerable<IEnumerable<string>> lines, string indent) =>
        indent + string.Join(
            $" \\{Environment.NewLine}{indent}  ",
            lines.Select(line => string.Join(' ', line.Select(Quote))));

    public static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
