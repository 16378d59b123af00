using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Http;

/// <summary>CORS as a player on another origin (and a CDN between them) needs it.</summary>
public sealed class CrossOriginHeadersTests(OriginFixture fixture, RedisServer redis) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAnswer_AllowsAnyOrigin_EvenWithoutAnOriginHeader()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation)).Dispose();

        // A CDN may fetch without Origin and hand the cached copy to a browser: it must carry the header.
        using var media = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        using var time = await _origin.Delivery.GetAsync(new Uri("/time", UriKind.Relative), Cancellation);

        foreach (var response in new[] { media, time })
        {
            Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
            Assert.Equal("*", Header(response, "Timing-Allow-Origin"));
            var exposed = Header(response, "Access-Control-Expose-Headers")!.Split(", ");
            Assert.Superset(new HashSet<string> { "Date", "Content-Length", "ETag", "Last-Modified" }, exposed.ToHashSet());
        }
    }

    [Fact]
    public async Task Preflight_ForARangeRequest_IsAnsweredWithoutTouchingTheObject()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        request.Headers.Add("Origin", "http://player.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "range");

        using var response = await _origin.Delivery.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("GET", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal("range", Header(response, "Access-Control-Allow-Headers"));
        Assert.NotNull(Header(response, "Access-Control-Max-Age"));
    }

    [Fact]
    public async Task AllowList_EchoesAllowedOriginsOnly_AndVariesByOrigin()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Delivery:Cors:AllowedOrigins:0"] = "https://player.example",
        });

        using var allowed = await GetTimeAsync(origin, "https://player.example");
        using var refused = await GetTimeAsync(origin, "https://evil.example");

        Assert.Equal("https://player.example", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Null(Header(refused, "Access-Control-Allow-Origin"));
        Assert.Contains("Origin", allowed.Headers.Vary);
        Assert.Contains("Origin", refused.Headers.Vary);
    }

    private static Task<HttpResponseMessage> GetTimeAsync(OriginHost origin, string from)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/time");
        request.Headers.Add("Origin", from);
        return origin.Delivery.SendAsync(request, Cancellation);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
