using System.Net;
using System.Net.Http.Headers;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>How Delivery serves the /player page and its files (no browser needed).</summary>
public sealed class PlayerApiTests(OriginFixture fixture) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/player")]
    [InlineData("/player/")]
    [InlineData("/player?src=http%3A%2F%2Fexample.test%2Flive%2Fout.mpd")]
    public async Task Get_Player_ServesThePage_RevalidatedEveryTime(string url)
    {
        using var response = await GetAsync(url);
        var page = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.Contains("<video id=\"video\" muted autoplay playsinline controls>", page, StringComparison.Ordinal);
        // Everything it loads comes from this origin: no CDN.
        Assert.Contains("src=\"/player/dash.all.min.js\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", page, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/player/player.js", "text/javascript")]
    [InlineData("/player/player.css", "text/css")]
    [InlineData("/player/dash.all.min.js", "text/javascript")]
    public async Task Get_PlayerFile_HasItsContentType_AndIsLoadableFromAnyOrigin(string url, string mediaType)
    {
        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Get_DashJs_IsTheBuildOfThePinnedNpmPackage()
    {
        using var response = await GetAsync("/player/dash.all.min.js");
        var script = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(script.Length > 500_000, $"dash.all.min.js is only {script.Length} characters");
        Assert.Contains("\"5.2.1\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithTheETag_Is304()
    {
        using var first = await GetAsync("/player/player.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/player/player.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await _origin.Delivery.SendAsync(request, Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task Head_Player_AnswersLikeGet_WithoutABody()
    {
        using var get = await GetAsync("/player");
        using var request = new HttpRequestMessage(HttpMethod.Head, "/player");

        using var head = await _origin.Delivery.SendAsync(request, Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var body = await head.Content.ReadAsByteArrayAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal("text/html", head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(body);
    }

    [Fact]
    public async Task Get_ObjectUnderPlayer_IsStillServedFromStorage()
    {
        // The page's routes are exact: a channel called "player" keeps its objects.
        var path = $"/player/{TestPaths.Channel()["live/".Length..]}.m4s";
        var bytes = TestPaths.Payload(1000, seed: 7);
        using (var put = new ByteArrayContent(bytes))
        {
            put.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
            using var stored = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), put, Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
            Assert.True(stored.IsSuccessStatusCode, $"PUT {path}: {(int)stored.StatusCode}");
        }

        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    private Task<HttpResponseMessage> GetAsync(string url) =>
        _origin.Delivery.GetAsync(new Uri(url, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
}
