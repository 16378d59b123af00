using System.Diagnostics;
using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.AppHost.Tests;

/// <summary>How the origin's processes live and die under <c>dotnet run --project AppHost</c>.</summary>
public sealed class LifecycleTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DemoEncoderKilled_TheOriginStaysUpAndServesOtherChannels()
    {
        await using var run = AppHostRun.Start("--demo");
        await run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, Cancellation);
        await Eventually.HoldsAsync(async ct => (await Http.GetAsync(new Uri(run.DeliveryUrl, "/live/demo/out.mpd"), ct)).IsSuccessStatusCode, "the demo's manifest");

        var demo = Assert.Single(run.Processes(), p => p.CommandLine.StartsWith("/usr/bin/ffmpeg ", StringComparison.Ordinal) || p.CommandLine.StartsWith("ffmpeg ", StringComparison.Ordinal));
        using (var ffmpeg = Process.GetProcessById(demo.Pid))
        {
            ffmpeg.Kill();
            await ffmpeg.WaitForExitAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        }

        // Long enough for an orchestrator that stops everything on a child's death to have done so.
        await Task.Delay(TimeSpan.FromSeconds(5), Cancellation);
        Assert.False(demo.IsRunning);
        Assert.Contains(run.Processes(), p => p.CommandLine.Contains("redis-server", StringComparison.Ordinal));
        foreach (var service in new[] { run.IngestUrl, run.DeliveryUrl })
        {
            using var health = await Http.GetAsync(new Uri(service, "/health"), Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // A second encoder, with the credential the banner printed, on a channel of its own: published and served.
        var (user, password) = run.PrintedCredential();
        var publish = new UriBuilder(run.IngestUrl) { UserName = user, Password = password }.Uri;
        await using var encoder = FfmpegEncoder.Start(publish, TestPaths.Channel(), new Uri(run.DeliveryUrl, "/time"));
        await Eventually.HoldsAsync(async ct => (await Http.GetAsync(new Uri(run.DeliveryUrl, encoder.SegmentPath(0, 2)), ct)).IsSuccessStatusCode, "the new channel's segment 2");
    }

    [Fact]
    public async Task UnknownOption_ExitsWithCode2AndTheUsage_StartingNothing()
    {
        await using var run = AppHostRun.Start("--demo", "--delivery-replicaz", "3");

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost did not exit");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown option '--delivery-replicaz'", run.Output, StringComparison.Ordinal);
        Assert.Contains("Usage: dotnet run --project AppHost -- [options]", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Processes().Select(p => p.CommandLine));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--redis-cluster")]
    public async Task RedisServerMissing_ExitsWithOneLineNamingTheInstallCommand(string options)
    {
        // A PATH holding the .NET SDK only: no redis-server, no ffmpeg.
        await using var run = AppHostRun.Start(options.Split(' ', StringSplitOptions.RemoveEmptyEntries), path: AppHostRun.DotnetRoot);

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost did not exit");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("redis-server not found: install it with 'apt-get install -y redis-server' (as root, or with sudo)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigTerm_ToDotnetRun_StopsEveryProcessOfTheOrigin_DcpAndTheDashboardIncluded()
    {
        await using var run = AppHostRun.Start("--demo");
        await run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, Cancellation);
        await Eventually.HoldsAsync(async ct => (await Http.GetAsync(new Uri(run.DeliveryUrl, "/live/demo/out.mpd"), ct)).IsSuccessStatusCode, "the demo's manifest");
        var running = run.Processes();
        string[] expected = ["dcp", "Aspire.Dashboard", "redis-server", "Ingest.Api", "Delivery.Api", "ffmpeg"];
        Assert.All(expected, name => Assert.Contains(running, p => p.CommandLine.Contains(name, StringComparison.Ordinal)));

        var stopwatch = Stopwatch.StartNew();
        await run.TerminateAsync(Cancellation);

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(30)), "dotnet run did not exit within 30 s of SIGTERM");
        while (running.Any(p => p.IsRunning) && stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Cancellation);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{running.Count} processes, all gone {stopwatch.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        Assert.Empty(running.Where(p => p.IsRunning).Select(p => p.CommandLine));
        Assert.Empty(run.Processes().Select(p => p.CommandLine));
    }
}
