namespace CmafOrigin.AppHost;

/// <summary>
/// Writes every child's output as whole lines tagged with its name (<c>[redis] ...</c>), colored when
/// stdout is a terminal, so interleaved output from several processes stays readable.
/// </summary>
internal static class PrefixedConsole
{
    public const string AppHostName = "apphost";

    // Wide enough for the longest name, so the text of all sources lines up.
    private const int PrefixWidth = 11;

    private static readonly Lock Gate = new();

    private static readonly bool UseColor =
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    public static void WriteLine(string source, string line, bool isError = false)
    {
        var prefix = $"[{source}]".PadRight(PrefixWidth);
        var writer = isError ? Console.Error : Console.Out;
        lock (Gate)
        {
            if (UseColor)
            {
                writer.WriteLine($"\e[{ColorOf(source)}m{prefix}\e[0m{line}");
            }
            else
            {
                writer.WriteLine(prefix + line);
            }
        }
    }

    /// <summary>AppHost's own messages.</summary>
    public static void AppHost(string message) => WriteLine(AppHostName, message);

    /// <summary>A block printed as is, e.g. the banner, so that commands in it can be copied without prefixes.</summary>
    public static void WriteBlock(string text)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(text);
        }
    }

    private static string ColorOf(string source) => source switch
    {
        AppHostName => "1;33",
        "redis" => "31",
        "ingest" => "36",
        "delivery" => "32",
        "ffmpeg" => "35",
        _ => "34",
    };
}
