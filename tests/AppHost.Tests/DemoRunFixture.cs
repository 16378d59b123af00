namespace CmafOrigin.AppHost.Tests;

/// <summary><c>dotnet run --project AppHost -- --demo</c>, up and announced, shared by a test class.</summary>
public sealed class DemoRunFixture : IAsyncLifetime
{
    internal AppHostRun Run { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Run = AppHostRun.Start("--demo");
        await Run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
    }
}
