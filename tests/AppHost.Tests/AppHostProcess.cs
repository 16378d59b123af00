using System.Diagnostics;
using System.Text;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// The built AppHost run as a real child process (<c>dotnet AppHost.dll</c>) on free ports, its output captured.
/// Disposal kills it and every process it started, even after a failed assertion.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly HashSet<ProcessIdentity> _seen = [];

    private AppHostProcess(Process process, int ingestPort, int deliveryPort, int controlPort)
    {
        _process = process;
        Pid = process.Id;
        IngestUrl = new Uri($"http://localhost:{ingestPort}");
        DeliveryUrl = new Uri($"http://localhost:{deliveryPort}");
        ControlUrl = new Uri($"http://localhost:{controlPort}");
        Exited = WaitForExitAsync();
    }

    public int Pid { get; }

    public Uri IngestUrl { get; }

    public Uri DeliveryUrl { get; }

    public Uri ControlUrl { get; }

    /// <summary>The exit code, once AppHost has exited and its output is read to the end.</summary>
    public Task<int> Exited { get; }

    /// <summary>Everything AppHost wrote to stdout and stderr so far, interleaved.</summary>
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
    /// <param name="environment">Variables to set (null value: remove) in AppHost's environment.</param>
    public static AppHostProcess Start(IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var ingestPort = LoopbackPorts.Pick();
        var deliveryPort = LoopbackPorts.Pick(except: ingestPort);
        var controlPort = LoopbackPorts.Pick(except: ingestPort);
        while (controlPort == deliveryPort)
        {
            controlPort = LoopbackPorts.Pick(except: ingestPort);
        }

        var startInfo = new ProcessStartInfo(DotnetMuxer.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            ArgumentList =
            {
                typeof(AppHostOptions).Assembly.Location,
                "--ingest-port", ingestPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--delivery-port", deliveryPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--control-port", controlPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };

        foreach (var argument in arguments ?? [])
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Telemetry export from a developer's shell has no business in a test run.
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start AppHost");
        var host = new AppHostProcess(process, ingestPort, deliveryPort, controlPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails early if AppHost exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (Exited.IsCompleted && !Output.Contains(text, StringComparison.Ordinal))
                {
                    Assert.Fail($"AppHost exited with code {Exited.Result} before printing '{text}':{Environment.NewLine}{Output}");
                }

                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"AppHost did not print '{text}' within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Waits for AppHost's exit; fails (and leaves the kill to disposal) if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Exited.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"AppHost did not exit within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            throw;
        }
    }

    /// <summary>AppHost's running direct children, each remembered so disposal can kill it.</summary>
    public IReadOnlyList<ProcessIdentity> Children()
    {
        var children = ProcFs.ChildrenOf(Pid);
        Remember(children);
        return children;
    }

    /// <summary>The child whose command line contains <paramref name="marker"/> (e.g. <c>redis-server</c>, <c>Ingest.Api.dll</c>).</summary>
    public ProcessIdentity? Child(string marker) =>
        Children().Cast<ProcessIdentity?>().FirstOrDefault(child => child!.Value.CommandLine.Contains(marker, StringComparison.Ordinal));

    public void Terminate() => Assert.True(UnixSignals.Terminate(Pid), "could not send SIGTERM to AppHost");

    public void KillHard()
    {
        Remember(ProcFs.DescendantsOf(Pid));
        _process.Kill(entireProcessTree: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            Remember(ProcFs.DescendantsOf(Pid));
            // Politely first, so AppHost cleans up after itself (Redis's directory); by force if it does not.
            UnixSignals.Terminate(Pid);
            await ((Task)Exited).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!Exited.IsCompleted)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        // Children orphaned by a hard kill are no longer in AppHost's tree: kill them by identity.
        ProcessIdentity[] seen;
        lock (_gate)
        {
            seen = [.. _seen];
        }

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

        await ((Task)Exited).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private void Remember(IEnumerable<ProcessIdentity> processes)
    {
        lock (_gate)
        {
            _seen.UnionWith(processes);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return _process.ExitCode;
    }
}
