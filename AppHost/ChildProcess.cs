using System.ComponentModel;
using System.Diagnostics;

namespace CmafOrigin.AppHost;

/// <summary>
/// A process AppHost started: its output echoed line by line under its name, its exit observable,
/// and a stop that asks politely (SIGTERM) before it kills.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(string name, Process process, Action? afterExit)
    {
        Name = name;
        _process = process;
        Id = process.Id;
        Exited = WaitForExitAsync(afterExit);
    }

    public string Name { get; }

    public int Id { get; }

    /// <summary>Completes with the exit code (128 + signal when killed by a signal) once the process and its clean-up are done.</summary>
    public Task<int> Exited { get; }

    /// <param name="afterExit">Clean-up that must wait for the process to be gone, e.g. deleting its data directory.</param>
    public static ChildProcess Start(string name, ProcessStartInfo startInfo, Action? afterExit = null)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        // A pipe nobody writes: no child reads the terminal that belongs to AppHost.
        startInfo.RedirectStandardInput = true;

        Process process;
        try
        {
            process = OrphanGuard.Start(startInfo);
        }
        catch (Win32Exception ex)
        {
            throw new AppHostException($"could not start {name} ({startInfo.FileName}): {ex.Message}", ex);
        }

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                PrefixedConsole.WriteLine(name, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                PrefixedConsole.WriteLine(name, e.Data, isError: true);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        return new ChildProcess(name, process, afterExit);
    }

    /// <summary>SIGTERM, then after <paramref name="gracePeriod"/> a kill of the whole process tree.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        if (UnixSignals.Terminate(Id))
        {
            try
            {
                await Exited.WaitAsync(gracePeriod);
                return;
            }
            catch (TimeoutException)
            {
                PrefixedConsole.AppHost($"{Name} did not stop within {gracePeriod.TotalSeconds:0} s of SIGTERM; killing it");
            }
        }

        Kill();
        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            PrefixedConsole.AppHost($"{Name} (pid {Id}) is still running after SIGKILL");
        }
    }

    public void Dispose()
    {
        if (!Exited.IsCompleted)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
    }

    private async Task<int> WaitForExitAsync(Action? afterExit)
    {
        // Also waits for the end of its output, so the last lines are printed before anyone reports the exit.
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            afterExit?.Invoke();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PrefixedConsole.AppHost($"clean-up after {Name} failed: {ex.Message}");
        }

        return _process.ExitCode;
    }
}
