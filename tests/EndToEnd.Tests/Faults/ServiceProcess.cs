using System.Diagnostics;
using System.Globalization;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>
/// A built service (<c>Ingest.Api.dll</c>, <c>Delivery.Api.dll</c>) run as its own process with <c>dotnet</c>, as in
/// production, so a test can send it SIGTERM or SIGKILL. Disposal kills it if it still runs.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

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

    /// <summary>
    /// Starts the service whose entry assembly is <paramref name="assembly"/> on a free loopback port, on
    /// <paramref name="redis"/> (a server or a cluster), and waits until it is healthy.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(System.Reflection.Assembly assembly, ITestRedis redis, string keyPrefix, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort.Next();
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly.Location)!,
        };
        start.ArgumentList.Add(assembly.Location);
        foreach (var (key, value) in new Dictionary<string, string>(settings)
        {
            ["urls"] = address.AbsoluteUri.TrimEnd('/'),
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Storage:KeyPrefix"] = keyPrefix,
            ["Logging:LogLevel:Default"] = "Information",
            // Ingest's control plane would otherwise take the fixed :5002, which parallel tests (and a
            // developer's AppHost) share; Delivery ignores it.
            ["Control:Url"] = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
        })
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {assembly.Location}");
        var service = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"the service exited while starting:\n{service.Output}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the service did not get healthy:\n{service.Output}");
            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the service writes a line containing <paramref name="text"/>: its console logger writes from a queue
    /// of its own, so a line may come a moment after what it tells of was seen from outside. False after the timeout.
    /// </summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            _awaited.Add((text, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _awaited.RemoveAll(awaited => awaited.Seen == seen);
            }
        }
    }

    /// <summary>Sends SIGTERM, as systemd, Docker or Kubernetes do to stop a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Sends SIGKILL, as the kernel's OOM killer or a lost machine does: no shutdown, no marker, sockets reset.</summary>
    public async Task KillAsync()
    {
        using (var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the service did not exit within {timeout.TotalSeconds:0} s:\n{Output}", ex);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
            foreach (var (text, seen) in _awaited)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }
    }
}
