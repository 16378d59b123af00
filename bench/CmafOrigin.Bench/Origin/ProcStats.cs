using System.Globalization;

namespace CmafOrigin.Bench.Origin;

/// <summary>CPU time and peak resident memory of a process (and optionally its children) from /proc.</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second of /proc/[pid]/stat (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/> in seconds; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Field 14 (utime) and 15 (stime) of the whole line are at 11 and 12 here (state is field 3 → index 0).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>A value in kB from /proc/[pid]/status (VmHWM: peak RSS; VmRSS: current), in MiB.</summary>
    public static double StatusMiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>Direct children of <paramref name="pid"/> (nginx workers of its master).</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                {
                    children.Add(child);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return children;
    }

    /// <summary>Whole-machine busy and total jiffies (all CPUs) from /proc/stat.</summary>
    public static (long Busy, long Total) MachineJiffies()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + values[4];
        var total = values.Take(8).Sum();
        return (total - idle, total);
    }
}

/// <summary>What a set of processes used between two samples.</summary>
internal sealed class CpuMeter
{
    private readonly Func<IEnumerable<int>> _pids;
    private readonly Dictionary<int, double> _start = [];

    public CpuMeter(Func<IEnumerable<int>> pids) => _pids = pids;

    public void Start()
    {
        _start.Clear();
        foreach (var pid in _pids())
        {
            _start[pid] = ProcStats.CpuSeconds(pid);
        }
    }

    /// <summary>CPU seconds since <see cref="Start"/>, summed over the processes.</summary>
    public double Elapsed() =>
        _pids().Sum(pid => ProcStats.CpuSeconds(pid) - _start.GetValueOrDefault(pid));

    /// <summary>Peak RSS summed over the processes (each process's own peak), MiB.</summary>
    public double PeakRssMiB() => _pids().Sum(pid => ProcStats.StatusMiB(pid, "VmHWM"));
}
