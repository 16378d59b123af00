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
}
