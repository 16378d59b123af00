using System.Diagnostics;
using System.Globalization;
using CmafOrigin.Bench.Origin;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// Optional profiling of a scenario's window (numbers of a profiled run are not the official ones):
/// <c>--trace ingest|delivery</c> runs dotnet-trace (sampled thread time) on that service, <c>--perf</c> runs perf record on
/// the whole machine (the services then write perf maps, so JIT-compiled frames have names; run the tool itself with
/// DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 for its frames too).
/// </summary>
internal static class Profiler
{
    public static IReadOnlyDictionary<string, string> Environment(BenchSettings settings)
    {
        var environment = new Dictionary<string, string>(settings.ServiceEnvironment);
        if (settings.Perf)
        {
            environment["DOTNET_PerfMapEnabled"] = "1";
            // With W^X on, JIT-compiled code runs from a double-mapped memfd whose addresses the perf map does not name.
            environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        return environment;
    }

    /// <summary>Starts what the settings ask for, after the JIT has settled; the returned task ends when the profile is written.</summary>
    public static async Task RunAsync(string scenario, OriginStack origin, BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Trace is null && !settings.Perf)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(settings.ProfileDelaySeconds), cancellationToken);
        var directory = Path.Combine(settings.CacheDirectory, "profiles");
        Directory.CreateDirectory(directory);
        var seconds = settings.ProfileSeconds.ToString(CultureInfo.InvariantCulture);
        var runs = new List<Task>();
        if (settings.Trace is { } service)
        {
            var pid = service == "ingest" ? origin.Ingest.Pid : origin.Delivery.Pid;
            var file = Path.Combine(directory, $"{scenario}-{service}.nettrace");
            var duration = TimeSpan.FromSeconds(settings.ProfileSeconds).ToString("c", CultureInfo.InvariantCulture);
            runs.Add(RunToolAsync(DotnetTrace(), ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "--duration", duration, "-o", file], cancellationToken));
            Console.WriteLine($"[{scenario}] dotnet-trace on {service} for {seconds} s → {file}");
        }

        if (settings.Perf)
        {
            var file = Path.Combine(directory, $"{scenario}.perf.data");
            // The whole machine: the services, redis-server, the load tool and the kernel work each of them causes.
            runs.Add(RunToolAsync("perf", ["record", "-F", "499", "-g", "-a", "-o", file, "--", "sleep", seconds], cancellationToken));
            Console.WriteLine($"[{scenario}] perf record -a (whole machine) for {seconds} s → {file}");
        }

        await Task.WhenAll(runs);
    }

    private static string DotnetTrace()
    {
        var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var tool = Path.Combine(home, ".dotnet", "tools", "dotnet-trace");
        return File.Exists(tool) ? tool : "dotnet-trace";
    }

    private static async Task RunToolAsync(string tool, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"{tool} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
