using System.Net;

namespace CmafOrigin.AppHost.Tests;

/// <summary>AppHost run as a real process: it starts everything, reports readiness, and stops everything.</summary>
public sealed class AppHostLifecycleTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_WithFreePorts_BothServicesAreHealthyAndTheBannerIsPrinted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();

        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(new Uri(host.IngestUrl, "/health"), ct));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(new Uri(host.DeliveryUrl, "/health"), ct));
        var output = host.Output;
        Assert.Contains($"ingest    {Wiring.Origin(host.IngestUrl)}", output, StringComparison.Ordinal);
        Assert.Contains($"delivery  {Wiring.Origin(host.DeliveryUrl)}", output, StringComparison.Ordinal);
        Assert.Contains("(started by AppHost)", output, StringComparison.Ordinal);
        Assert.Contains($"{Wiring.Origin(host.IngestUrl)}/live/demo/out.mpd", output, StringComparison.Ordinal);
        Assert.Contains($"-utc_timing_url {Wiring.Origin(host.DeliveryUrl)}/time", output, StringComparison.Ordinal);
        Assert.Contains($"ffplay {Wiring.Origin(host.DeliveryUrl)}/live/demo/out.mpd", output, StringComparison.Ordinal);
        Assert.Contains("[redis]", output, StringComparison.Ordinal);
        Assert.Contains("[ingest]", output, StringComparison.Ordinal);
        Assert.Contains("[delivery]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Services_AreWiredByAspireConventions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);

        var redis = Assert.NotNull(host.Child("redis-server"));
        var ingest = Assert.NotNull(host.Child("Ingest.Api.dll"));
        var delivery = Assert.NotNull(host.Child("Delivery.Api.dll"));

        var redisPort = Assert.Single(ProcFs.CommandLine(redis.Pid).Split(' '), word => word.StartsWith("127.0.0.1:", StringComparison.Ordinal))["127.0.0.1:".Length..];
        foreach (var (service, name) in new[] { (ingest, "ingest"), (delivery, "delivery") })
        {
            var environment = ProcFs.EnvironmentOf(service.Pid);
            Assert.Equal($"127.0.0.1:{redisPort}", environment["ConnectionStrings__redis"]);
            Assert.Equal(name, environment["OTEL_SERVICE_NAME"]);
            Assert.Equal(Wiring.Origin(host.IngestUrl), environment["services__ingest__http__0"]);
            Assert.Equal(Wiring.Origin(host.DeliveryUrl), environment["services__delivery__http__0"]);
            Assert.Equal("Development", environment["ASPNETCORE_ENVIRONMENT"]);
        }

        var control = ProcFs.EnvironmentOf(ingest.Pid);
        Assert.Equal(Wiring.Origin(host.ControlUrl), control["Control__Url"]);
        Assert.Contains($"admin token  {control["Control__AdminToken"]}", host.Output, StringComparison.Ordinal);
        Assert.Contains($"--urls {Wiring.Origin(host.IngestUrl)}", ingest.CommandLine, StringComparison.Ordinal);
        Assert.Contains($"--urls {Wiring.Origin(host.DeliveryUrl)}", delivery.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WhileRunning_StopsEveryChildDeletesRedisDataAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);
        var children = host.Children();
        Assert.Equal(3, children.Count);
        var redisDirectory = RedisDirectoryOf(host);
        Assert.True(Directory.Exists(redisDirectory));

        host.Terminate();

        Assert.Equal(0, await host.WaitForExitAsync(StopTimeout, ct));
        Assert.All(children, child => Assert.False(child.IsRunning, $"pid {child.Pid} outlived AppHost"));
        Assert.False(Directory.Exists(redisDirectory), $"{redisDirectory} outlived Redis");
        Assert.Contains("SIGTERM received, stopping", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("exited with code", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigkill_OfAppHost_ChildrenDieWithIt()
    {
        Assert.SkipUnless(OrphanGuard.IsActive, "needs util-linux's setsid and setpriv");
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);
        var children = host.Children();
        Assert.Equal(3, children.Count);
        var redisDirectory = RedisDirectoryOf(host);

        host.KillHard();
        await host.WaitForExitAsync(StopTimeout, ct);

        // None of AppHost's clean-up ran: the kernel's parent-death signal alone must end them.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StopTimeout);
        while (children.Any(child => child.IsRunning))
        {
            await Task.Delay(100, deadline.Token);
        }

        // What a hard kill does leave: Redis's empty directory, swept by the next AppHost; this test sweeps its own.
        Directory.Delete(redisDirectory, recursive: true);
    }

    private static string RedisDirectoryOf(AppHostProcess host) =>
        new DirectoryInfo($"/proc/{Assert.NotNull(host.Child("redis-server")).Pid}/cwd").ResolveLinkTarget(returnFinalTarget: true)!.FullName;

    private static async Task<HttpStatusCode> StatusOfAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await TestHttp.Client.GetAsync(url, cancellationToken);
        return response.StatusCode;
    }
}
