using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// <c>dotnet run --project AppHost</c> as a person runs it, on free ports (services and dashboard), the dashboard open
/// without login so a test can read its telemetry API. Every process of the run (DCP, the dashboard, the services,
/// ffmpeg) inherits a marker variable, so a test can find them all in /proc; redis-server, which overwrites its
/// environment with its process title, is found by its port. Disposal stops the run and kills whatever is left.
/// </summary>
internal sealed partial class AppHostRun : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private const string MarkerVariable = "CMAFORIGIN_APPHOST_TEST_RUN";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly HashSet<ProcessIdentity> _seen = [];

    private AppHostRun(Process process, int ingestPort, int deliveryPort, int controlPort, int dashboardPort)
    {
        _process = process;
        IngestUrl = new Uri($"http://localhost:{ingestPort}");
        DeliveryUrl = new Uri($"http://localhost:{deliveryPort}");
        ControlUrl = new Uri($"http://localhost:{controlPort}");
        DashboardUrl = new Uri($"http://localhost:{dashboardPort}");
    }

    /// <summary>Where the .NET SDK and its <c>dotnet</c> muxer are: three levels above the runtime running this test.</summary>
    public static string DotnetRoot { get; } =
        Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Where every run of this test's AppHost archives (a temporary directory, removed with the run).</summary>
    public static string ArchiveDirectory { get; } = Directory.CreateTempSubdirectory("apphost-archive-").FullName;

    /// <summary>The pid of <c>dotnet run</c>: what a terminal's Ctrl+C or <c>timeout</c> signals.</summary>
    public int Pid => _process.Id;

    public Uri IngestUrl { get; }

    public Uri DeliveryUrl { get; }

    public Uri ControlUrl { get; }

    public Uri DashboardUrl { get; }

    /// <summary>Everything the run wrote to stdout and stderr so far, interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="arguments">More AppHost options; the ports are chosen here.</param>
    public static AppHostRun Start(params string[] arguments) => Start(arguments, path: null);

    /// <param name="arguments">More AppHost options; the ports are chosen here.</param>
    /// <param name="path">The run's PATH, where the AppHost looks for redis-server and ffmpeg; null for the test's own.</param>
    public static AppHostRun Start(string[] arguments, string? path)
    {
        int[] ports = [.. Enumerable.Range(0, 6).Select(_ => LoopbackPorts.Pick()).Distinct()];
        if (ports.Length < 6)
        {
            return Start(arguments, path);
        }

        // The muxer by its full path, so a PATH without it (see above) still runs it.
        var startInfo = new ProcessStartInfo(Path.Combine(DotnetRoot, "dotnet"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot(),
            ArgumentList =
            {
                "run", "--project", "AppHost", "--no-build", "--no-launch-profile",
                "--configuration", typeof(AppHostRun).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
                "--",
                "--ingest-port", Text(ports[0]), "--delivery-port", Text(ports[1]), "--control-port", Text(ports[2]),
                // The archive of a test run is the test's, not the developer's ~/.local/share.
                "--archive-dir", ArchiveDirectory,
            },
        };

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // What the launch profile sets, on ports of this run's own.
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://localhost:{Text(ports[3])}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{Text(ports[4])}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{Text(ports[5])}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (path is not null)
        {
            startInfo.Environment["PATH"] = path;
        }

        var process = new Process { StartInfo = startInfo };
        var run = new AppHostRun(process, ports[0], ports[1], ports[2], ports[3]);
        startInfo.Environment[MarkerVariable] = run._marker;
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails early if the run exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"the AppHost exited ({_process.ExitCode}) before printing '{text}':{Environment.NewLine}{Output}");
            }

            if (stopwatch.Elapsed > timeout)
            {
                Assert.Fail($"the AppHost did not print '{text}' within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>The publish credential the banner printed, as <c>user:password</c>: what a person copies from it.</summary>
    public (string User, string Password) PrintedCredential()
    {
        var match = PrintedCredentialLine().Match(Output);
        Assert.True(match.Success, $"no publish credential in the banner:{Environment.NewLine}{Output}");
        return (match.Groups["user"].Value, match.Groups["password"].Value);
    }

    /// <summary>Every running process of this run: marked in its environment, or the redis-server on the printed port.</summary>
    public IReadOnlyList<ProcessIdentity> Processes()
    {
        var redis = RedisLine().Match(Output) is { Success: true } match ? $"127.0.0.1:{match.Groups["port"].Value}" : null;
        var processes = ProcFs.All()
            .Where(p => p.Pid != Environment.ProcessId)
            .Where(p => ProcFs.EnvironmentOf(p.Pid).GetValueOrDefault(MarkerVariable) == _marker
                || (redis is not null && p.CommandLine.Contains("redis-server " + redis, StringComparison.Ordinal)))
            .ToList();
        lock (_gate)
        {
            _seen.UnionWith(processes);
        }

        return processes;
    }

    /// <summary>SIGTERM to <c>dotnet run</c>, as <c>timeout</c> or <c>kill</c> sends it.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", Text(Pid)]);
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code of <c>dotnet run</c> (the AppHost's own), once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return _process.HasExited;
    }

    public async ValueTask DisposeAsync()
    {
        Processes();
        if (!_process.HasExited)
        {
            // Politely first, so DCP stops what it started; by force if it does not.
            using var kill = Process.Start("kill", ["-TERM", Text(Pid)]);
            await kill.WaitForExitAsync();
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        ProcessIdentity[] seen;
        lock (_gate)
        {
            seen = [.. _seen];
        }

        // DCP runs detached from the AppHost: anything it left is killed by identity.
        foreach (var orphan in seen.Where(identity => identity.IsRunning))
        {
            try
            {
                using var process = Process.GetProcessById(orphan.Pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone in the meantime.
            }
        }

        _process.Dispose();
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CmafOrigin.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no CmafOrigin.sln above {AppContext.BaseDirectory}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"publish   user (?<user>\S+)  password (?<password>\S+)")]
    private static partial Regex PrintedCredentialLine();

    [GeneratedRegex(@"redis     localhost:(?<port>\d+)")]
    private static partial Regex RedisLine();
}
