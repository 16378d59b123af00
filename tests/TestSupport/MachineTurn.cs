using System.Diagnostics;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A turn on the machine for test modules that must not run at the same time: the browser playback tests, whose latency
/// and stall figures are measurements, and the AppHost tests, whose Aspire start-ups (DCP, the dashboard, redis-servers,
/// the services) take both cores for seconds. <c>dotnet test</c> runs two modules at once; on 2 cores an Aspire start-up
/// beside a player in Chromium made hls.js start 5 s behind live and dash.js stall (CI of 3 Dec 2026). Held for a whole
/// module (an assembly fixture) as an exclusive lock on a file, which the kernel releases when the process ends, however
/// it ends.
/// </summary>
public sealed class MachineTurn : IAsyncLifetime
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "cmaforigin-tests-machine-turn.lock");

    /// <summary>Longer than either module takes; past it, the module runs beside the other rather than not at all.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(12);

    private FileStream? _lock;

    public async ValueTask InitializeAsync()
    {
        var waiting = Stopwatch.StartNew();
        while (_lock is null && waiting.Elapsed < Patience)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux: one holder across processes.
                _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _lock?.Dispose();
        return ValueTask.CompletedTask;
    }
}
