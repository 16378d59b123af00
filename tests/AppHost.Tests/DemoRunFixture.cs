using System.Diagnostics;

namespace CmafOrigin.AppHost.Tests;

/// <summary><c>dotnet run --project AppHost -- --demo</c>, up and announced, shared by a test class.</summary>
public sealed class DemoRunFixture : IAsyncLifetime
{
    private readonly Stopwatch _encoding = new();

    internal AppHostRun Run { get; private set; } = null!;

    /// <summary>The demo channel's newest complete segment of its first video stream, numbered at least <paramref name="atLeast"/>.</summary>
    public async Task<string> LatestCompleteSegmentAsync(long atLeast, CancellationToken cancellationToken)
    {
        using var delivery = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Run.DeliveryUrl };
        var number = await LiveSegments.LatestCompleteAsync(delivery, SegmentPath, () => _encoding.Elapsed, atLeast, cancellationToken);
        return SegmentPath(number);
    }

    private static string SegmentPath(long number) => $"/live/demo/chunk-stream0-{number:D5}.m4s";

    public async ValueTask InitializeAsync()
    {
        Run = AppHostRun.Start("--demo");
        await Run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, CancellationToken.None);
        // The demo encoder starts once both services are healthy, which is when the banner is printed.
        _encoding.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
    }
}
