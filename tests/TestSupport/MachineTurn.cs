using System.Diagnostics;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A turn on the machine for test modules that must not run at the same time: the browser playback tests, whose latency
/// and stall figures are measurements, and the two modules that load the machine hardest, the AppHost tests (Aspire
/// start-ups: DCP, the dashboard, redis-servers, the services) and the end-to-end tests (ffmpeg encoders, Redis Clusters).
/// <c>dotnet test</c> runs several modules at once; on 2 cores, beside an Aspire start-up hls.js started 5 s behind live
/// and dash.js stalled, and beside the end-to-end tests Shaka settled 2.7 s behind (CI runs of 3 Dec 2026). Held for a
/// whole module (an assembly fixture) as an exclusive lock on a file, which the kernel releases when the process ends,
/// however it ends.
/// </summary>
public sealed class MachineTurn : IAsyncLifetime
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "cmaforigin-tests-machine-turn.lock");

    /// <summary>
    /// Longer than the other two modules take together (about 9 minutes in CI); past it, a module runs beside them rather
    /// than not at all.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

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
