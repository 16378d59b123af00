using System.Diagnostics;

namespace CmafOrigin.AppHost.Tests;

/// <summary>When a part is missing or dies, AppHost says which and leaves nothing running.</summary>
public sealed class ChildFailureTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ChildDeath_RedisKilled_IsReportedAndTheRestIsStoppedWithANonZeroExit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);
        var redis = Assert.NotNull(host.Child("redis-server"));
        var services = host.Children().Where(child => child != redis).ToArray();
        Assert.Equal(2, services.Length);

        using (var process = Process.GetProcessById(redis.Pid))
        {
            process.Kill();
        }

        Assert.Equal(1, await host.WaitForExitAsync(StopTimeout, ct));
        Assert.Contains("redis exited with code 137", host.Output, StringComparison.Ordinal);
        Assert.All(services, service => Assert.False(service.IsRunning, $"pid {service.Pid} outlived AppHost"));
    }

    [Fact]
    public async Task Start_WithoutRedisServerOnPath_PrintsTheInstallHintAndExitsOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var emptyPath = Directory.CreateTempSubdirectory("cmaf-apphost-tests-path-");
        try
        {
            await using var host = AppHostProcess.Start(environment: new Dictionary<string, string?> { ["PATH"] = emptyPath.FullName });

            Assert.Equal(1, await host.WaitForExitAsync(StopTimeout, ct));
            Assert.Equal("redis-server not found: install it with 'sudo apt-get install -y redis-server'", host.Output.Trim());
            Assert.Empty(host.Children());
        }
        finally
        {
            emptyPath.Delete();
        }
    }

    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start(["--help"]);

        Assert.Equal(0, await host.WaitForExitAsync(StopTimeout, ct));
        Assert.Contains("--redis <connection>", host.Output, StringComparison.Ordinal);
        Assert.Contains("--demo", host.Output, StringComparison.Ordinal);
    }
}
