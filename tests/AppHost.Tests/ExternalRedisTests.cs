using System.Net;

namespace CmafOrigin.AppHost.Tests;

/// <summary><c>--redis</c>: the services use the Redis given, and AppHost starts none.</summary>
public sealed class ExternalRedisTests
{
    [Fact]
    public async Task RedisOption_ReachableRedis_ServicesStoreInItAndNoRedisIsStarted()
    {
        var ct = TestContext.Current.CancellationToken;
        // The shared test fixture, not AppHost's own RedisServer: this Redis is the test's, not AppHost's.
        await using var redis = new TestSupport.RedisServer();
        await redis.InitializeAsync();
        await using var host = AppHostProcess.Start(["--redis", redis.ConnectionString]);
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);

        var children = host.Children();
        Assert.Equal(2, children.Count);
        Assert.DoesNotContain(children, child => child.CommandLine.Contains("redis-server", StringComparison.Ordinal));
        Assert.All(children, child => Assert.Equal(redis.ConnectionString, ProcFs.EnvironmentOf(child.Pid)["ConnectionStrings__redis"]));
        Assert.Contains("(given with --redis)", host.Output, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(host.IngestUrl, "/live/external-redis/init-stream0.m4s"))
        {
            Content = new ByteArrayContent([1, 2, 3, 4]),
        };
        request.Headers.Authorization = host.PrintedIngestCredential();
        using var put = await TestHttp.Client.SendAsync(request, ct);
        Assert.True(put.IsSuccessStatusCode, $"PUT answered {(int)put.StatusCode}");
        Assert.NotEmpty(await redis.KeysAsync("cmaf:{live/external-redis}:*"));
    }

    [Fact]
    public async Task RedisOption_UnreachableRedis_IsStillHandedToTheServicesWhichReportNotReady()
    {
        var ct = TestContext.Current.CancellationToken;
        var nobodyListens = $"127.0.0.1:{LoopbackPorts.Pick()}";
        await using var host = AppHostProcess.Start(["--redis", nobodyListens]);

        var status = await TestHttp.PollAsync(
            new Uri(host.IngestUrl, "/health"), HttpStatusCode.ServiceUnavailable, AppHostProcess.StartTimeout, ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var children = host.Children();
        Assert.Equal(2, children.Count);
        Assert.All(children, child => Assert.Equal(nobodyListens, ProcFs.EnvironmentOf(child.Pid)["ConnectionStrings__redis"]));
        Assert.DoesNotContain(Banner.ReadyLine, host.Output, StringComparison.Ordinal);
    }
}
