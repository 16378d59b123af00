using System.Net;
using System.Net.Http.Json;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Apis;

/// <summary>How a player page with no manifest URL finds what is on the air.</summary>
public sealed class ManifestsApiTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Latest_IsTheManifestReplacedMostRecently_AndForgetsDeletedOnes()
    {
        // An origin of its own: the index is origin-wide. On a clock of its own: the index orders by upload time.
        var clock = new ObservedClock();
        await using var origin = await OriginHost.StartAsync(redis, services: services => services.AddSingleton<TimeProvider>(clock));
        using (var none = await origin.Delivery.GetAsync(new Uri("/api/manifests/latest", UriKind.Relative), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var first = $"{TestPaths.Channel()}/out.mpd";
        var second = $"{TestPaths.Channel()}/out.mpd";
        await PutAsync(origin, first);
        await PutAsync(origin, second);
        await PutAsync(origin, $"{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        Assert.Equal(second, await LatestAsync(origin));

        await PutAsync(origin, first);
        Assert.Equal(first, await LatestAsync(origin));

        (await origin.Ingest.DeleteAsync(new Uri($"/{first}", UriKind.Relative), Cancellation)).Dispose();
        Assert.Equal(second, await LatestAsync(origin));
    }

    private static async Task PutAsync(OriginHost origin, string path)
    {
        using var response = await origin.Ingest.PutAsync(new Uri($"/{path}", UriKind.Relative), new ByteArrayContent([1]), Cancellation);
        response.EnsureSuccessStatusCode();
        // Scores are milliseconds: keep successive uploads apart.
        ((ObservedClock)origin.IngestServices.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromMilliseconds(5));
    }

    private static async Task<string?> LatestAsync(OriginHost origin)
    {
        using var response = await origin.Delivery.GetAsync(new Uri("/api/manifests/latest", UriKind.Relative), Cancellation);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Matches("\"updatedAt\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\"", await response.Content.ReadAsStringAsync(Cancellation));
        var latest = await response.Content.ReadFromJsonAsync<Latest>(Cancellation);
        return latest?.Path;
    }

    private sealed record Latest(string Path, DateTimeOffset UpdatedAt);
}
