using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.AppHost.Tests;

/// <summary><c>--redis</c>: the services use the Redis given (an Aspire connection-string resource), and the AppHost starts none.</summary>
public sealed class ExternalRedisTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisOption_ReachableRedis_ServicesStoreInIt_AndNoRedisIsStarted()
    {
        // The test's own Redis, not one of the AppHost's.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var given = $"127.0.0.1:{redis.Port}";
        await using var run = AppHostRun.Start("--redis", given);
        await run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, Cancellation);

        Assert.Contains($"redis     {given}    (given with --redis)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Processes(), p => p.CommandLine.Contains("redis-server", StringComparison.Ordinal));

        var (user, password) = run.PrintedCredential();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(run.IngestUrl, "/live/external-redis/init-stream0.m4s"))
        {
            Content = new ByteArrayContent([1, 2, 3, 4]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var put = await http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.NotEmpty(await redis.KeysAsync("cmaf:{live/external-redis}:*"));
    }

    [Fact]
    public async Task RedisOption_ClusterNodesAsSeeds_ServicesStoreOnTheMasterOfTheChannelsSlot()
    {
        // The test's own cluster (three masters, a replica each), given as its nodes, comma-separated.
        await using var cluster = await RedisCluster.StartAsync(Cancellation);
        var seeds = string.Join(',', cluster.Ports.Select(port => $"127.0.0.1:{port}"));
        await using var run = AppHostRun.Start("--redis", seeds);
        await run.WaitForOutputAsync(StartupBanner.ReadyLine, AppHostRun.StartTimeout, Cancellation);

        Assert.Contains($"redis     {seeds}    (given with --redis)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Processes(), p => p.CommandLine.Contains("redis-server", StringComparison.Ordinal));

        var channel = TestPaths.Channel("seeds");
        using var put = await PutAsync(run, $"/{channel}/init-stream0.m4s");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var master = await cluster.MasterServingAsync($"cmaf:{{{channel}}}:x");
        Assert.NotEmpty(await cluster.KeysOnAsync(master, $"cmaf:{{{channel}}}:*"));
    }

    private static async Task<HttpResponseMessage> PutAsync(AppHostRun run, string path)
    {
        var (user, password) = run.PrintedCredential();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(run.IngestUrl, path))
        {
            Content = new ByteArrayContent([1, 2, 3, 4]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await http.SendAsync(request, Cancellation);
    }
}
