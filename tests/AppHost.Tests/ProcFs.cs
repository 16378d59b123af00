using System.Globalization;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// A process as /proc knows it: its PID plus its start time, so a PID reused by an unrelated process
/// is never mistaken for it. Lets tests follow exactly their own AppHost's children, in parallel with others.
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public bool IsRunning => ProcFs.TryReadStat(Pid, out var stat) && stat.StartTime == StartTime && stat.State != 'Z';

    public string CommandLine => ProcFs.CommandLine(Pid);
}

internal static class ProcFs
{
    public readonly record struct Stat(char State, int ParentPid, ulong StartTime);

    /// <summary>Every running process this user can see.</summary>
    public static IReadOnlyList<ProcessIdentity> All()
    {
        var all = new List<ProcessIdentity>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadStat(pid, out var stat)
                && stat.State != 'Z')
            {
                all.Add(new ProcessIdentity(pid, stat.StartTime));
            }
        }

        return all;
    }

    public static bool TryReadStat(int pid, out Stat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid ..."; comm may itself contain spaces and parentheses.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        stat = new Stat(
            State: fields[0][0],
            ParentPid: int.Parse(fields[1], CultureInfo.InvariantCulture),
            StartTime: ulong.Parse(fields[19], CultureInfo.InvariantCulture));
        return true;
    }

    public static string CommandLine(int pid) => Read(pid, "cmdline").Replace('\0', ' ').Trim();

    /// <summary>The environment the process was started with.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid) =>
        Read(pid, "environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);

    private static string Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
