using System.Diagnostics;

namespace CmafOrigin.Bench.Origin;

/// <summary>A process the tool started: its output goes to a log file, and it is killed (by its own id) when disposed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly List<ChildProcess> Running = [];
    private static readonly Lock RunningGate = new();

    private readonly Process _process;
    private readonly StreamWriter _log;

    static ChildProcess()
    {
        // Ctrl+C or an unhandled failure must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, ProcessStartInfo start, string logDirectory)
    {
        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: false) { AutoFlush = true };
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(name, process, log);
        lock (RunningGate)
        {
            Running.Add(child);
        }

        return child;
    }

    public async ValueTask DisposeAsync()
    {
        lock (RunningGate)
        {
            Running.Remove(this);
        }

        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void KillAll()
    {
        lock (RunningGate)
        {
            foreach (var child in Running)
            {
                child.Kill();
            }
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
