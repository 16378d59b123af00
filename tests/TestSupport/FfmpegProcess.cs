using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CmafOrigin.TestSupport;

/// <summary>
/// One run of the real <c>ffmpeg</c> binary: keeps the last lines of its stdout and stderr for
/// assertions and failure messages, stops it the way a user would (<c>q</c> on stdin, so it writes
/// its trailer and cleans up), and kills it in <see cref="DisposeAsync"/> if it is still running.
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    /// <summary>Lines kept per stream: enough for a failure message, bounded for a long live run.</summary>
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Queue<string> _errors = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private FfmpegProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    /// <summary>The command as a shell would show it, for messages.</summary>
    public string CommandLine { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines ffmpeg wrote to stderr (its log).</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>The last lines ffmpeg wrote to stdout (e.g. <c>-progress pipe:1</c>).</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts <c>ffmpeg</c> (from PATH) with <paramref name="arguments"/>, stdin kept open for <see cref="StopAsync"/>.</summary>
    public static FfmpegProcess Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = "ffmpeg " + string.Join(' ', start.ArgumentList.Select(Quote));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("ffmpeg is not installed: apt-get install -y ffmpeg", ex);
        }

        var ffmpeg = new FfmpegProcess(process, commandLine);
        process.OutputDataReceived += (_, e) => ffmpeg.Keep(ffmpeg._output, e.Data, ffmpeg._stdoutClosed);
        process.ErrorDataReceived += (_, e) => ffmpeg.Keep(ffmpeg._errors, e.Data, ffmpeg._stderrClosed);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return ffmpeg;
    }

    /// <summary>Waits for ffmpeg to end by itself and returns its exit code; throws with its log on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
            // Exit is signalled before the last lines are read; wait for both pipes to drain.
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"ffmpeg did not exit within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.\n{Describe()}", ex);
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Asks ffmpeg to quit (<c>q</c> on stdin: it finishes the file, e.g. runs the DASH muxer's
    /// <c>remove_at_exit</c>) and waits up to <paramref name="grace"/>; kills it after that. Returns its exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteAsync("q".AsMemory(), cancellationToken);
                await _process.StandardInput.FlushAsync(cancellationToken);
            }
            catch (IOException)
            {
                // It is exiting already and closed its stdin.
            }
        }

        try
        {
            return await WaitForExitAsync(grace, cancellationToken);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            return _process.ExitCode;
        }
    }

    /// <summary>The command, its state and its last log lines, for an assertion message.</summary>
    public string Describe()
    {
        var state = _process.HasExited ? $"exited with {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}" : "still running";
        var log = ErrorLines;
        var tail = log.Count > 40 ? log.Skip(log.Count - 40) : log;
        return $"{CommandLine}\n({state}; last stderr lines:)\n{string.Join('\n', tail)}";
    }

    public async ValueTask DisposeAsync()
    {
        // A test may kill the encoder half-way and still dispose it at the end.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await KillAsync();
        _process.Dispose();
    }

    private async Task KillAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    private void Keep(Queue<string> lines, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_gate)
        {
            lines.Enqueue(line);
            if (lines.Count > KeptLines)
            {
                lines.Dequeue();
            }
        }
    }

    private static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_=.,:/+".Contains(c, StringComparison.Ordinal)))
        {
            return argument;
        }

        return new StringBuilder("'").Append(argument.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'').ToString();
    }
}
