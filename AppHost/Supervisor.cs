using System.Diagnostics;

namespace CmafOrigin.AppHost;

/// <summary>
/// Owns every child process: reports the first one that dies on its own, and on disposal stops them all
/// in reverse order of start (encoder, services, then Redis), so nothing is left behind on any exit path.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(5);

    private readonly List<ChildProcess> _children = [];
    private readonly CancellationTokenSource _stopping;
    private readonly Lock _gate = new();
    private bool _disposing;
    private ChildProcess? _failed;

    /// <param name="shutdown">Cancelled by a shutdown signal (Ctrl+C, SIGTERM).</param>
    public Supervisor(CancellationToken shutdown)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    /// <summary>Cancelled when AppHost should stop: a shutdown signal or a child's unexpected exit.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>0 unless a child died on its own.</summary>
    public int ExitCode
    {
        get
        {
            lock (_gate)
            {
                return _failed is null ? 0 : 1;
            }
        }
    }

    public ChildProcess Start(string name, ProcessStartInfo startInfo, Action? afterExit = null)
    {
        Stopping.ThrowIfCancellationRequested();
        var child = ChildProcess.Start(name, startInfo, afterExit);
        lock (_gate)
        {
            _children.Add(child);
        }

        _ = WatchAsync(child);
        return child;
    }

    /// <summary>Waits for a shutdown signal or a child's death; returns the exit code for AppHost.</summary>
    public async Task<int> RunUntilStoppedAsync()
    {
        try
        {
            await Task.Delay(Timeout.Infinite, Stopping);
        }
        catch (OperationCanceledException)
        {
            // Expected: this is how the wait ends.
        }

        return ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcess[] children;
        lock (_gate)
        {
            _disposing = true;
            children = [.. _children];
        }

        for (var i = children.Length - 1; i >= 0; i--)
        {
            await children[i].StopAsync(StopGracePeriod);
            children[i].Dispose();
        }

        _stopping.Dispose();
    }

    private async Task WatchAsync(ChildProcess child)
    {
        var exitCode = await child.Exited;
        lock (_gate)
        {
            if (_disposing || _stopping.IsCancellationRequested)
            {
                return;
            }

            _failed = child;
        }

        PrefixedConsole.AppHost($"{child.Name} exited with code {exitCode}");
        await _stopping.CancelAsync();
    }
}
