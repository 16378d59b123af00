using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Auth;

/// <summary>Who may publish: 401 without credentials, 403 with wrong ones or outside their prefix, and nothing stored either way.</summary>
public sealed class IngestAuthorizationTests(IngestAuthFixture fixture) : IClassFixture<IngestAuthFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static AuthenticationHeaderValue StudioA =>
        Basic(IngestAuthFixture.StudioAUser, IngestAuthFixture.StudioAPassword);

    private static AuthenticationHeaderValue StudioB => new("Bearer", IngestAuthFixture.StudioBToken);

    [Fact]
    public async Task Put_WithoutCredentials_Is401WithBasicAndBearerChallenges_AndStoresNothing()
    {
        var channel = Channel("studio-a");

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = response.Headers.WwwAuthenticate.Select(challenge => challenge.Scheme).ToArray();
        Assert.Equal(["Basic", "Bearer"], challenges);
        Assert.Contains("realm=\"CmafOrigin ingest\"", response.Headers.WwwAuthenticate.First().Parameter, StringComparison.Ordinal);
        Assert.Contains("credentials are required", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Theory]
    [InlineData("Basic", "bm90LWJhc2U2NA!!")]
    [InlineData("Basic", "bm9jb2xvbg==")] // "nocolon"
    [InlineData("Bearer", "two words")]
    public async Task Put_WithMalformedCredentials_Is401(string scheme, string parameter)
    {
        var channel = Channel("studio-a");

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", new AuthenticationHeaderValue(scheme, parameter));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Put_WithAnUnofferedScheme_Is401LikeNoCredentials()
    {
        var channel = Channel("studio-a");

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", new AuthenticationHeaderValue("Digest", "username=\"studio-a\""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Put_WithWrongPassword_Is403AndStoresNothing()
    {
        var channel = Channel("studio-a");

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", Basic(IngestAuthFixture.StudioAUser, "not-the-password"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Contains("the credentials are not valid", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Put_WithWrongBearerToken_Is403()
    {
        var channel = Channel("studio-b");

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", new AuthenticationHeaderValue("Bearer", IngestAuthFixture.StudioBToken + "x"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Theory]
    [InlineData("live/studio-b")]   // another studio's prefix
    [InlineData("live/studio-a2")]  // shares the prefix's characters, not its segments
    [InlineData("live")]            // above the prefix
    public async Task Put_WithRightCredentialsOutsideTheirPrefix_Is403AndStoresNothing(string parent)
    {
        var channel = $"{parent}/{Guid.NewGuid():N}"[..(parent.Length + 9)];

        using var response = await PutAsync($"/{channel}/init-stream0.m4s", StudioA);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("these credentials do not grant", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Put_WithBasicCredentialsInsideTheirPrefix_IsStoredAndServed()
    {
        var path = $"/{Channel("studio-a")}/init-stream0.m4s";
        var body = TestPaths.Payload(2048, 1);

        using var response = await PutAsync(path, StudioA, body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body, await _origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }

    [Fact]
    public async Task Put_WithBearerTokenInsideItsPrefix_IsStored()
    {
        var path = $"/{Channel("studio-b")}/out.mpd";

        using var response = await PutAsync(path, StudioB);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Put_WithCredentialsGrantingSeveralPrefixes_IsStoredUnderEach()
    {
        foreach (var parent in new[] { "studio-a", "shared" })
        {
            using var response = await PutAsync($"/{Channel(parent)}/out.mpd", StudioA);

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    [Fact]
    public async Task Post_IsProtectedLikePut()
    {
        var channel = Channel("studio-a");
        using var anonymous = new HttpRequestMessage(HttpMethod.Post, $"/{channel}/out.mpd") { Content = new ByteArrayContent([1]) };
        using var refused = await _origin.Ingest.SendAsync(anonymous, Cancellation);
        using var allowed = new HttpRequestMessage(HttpMethod.Post, $"/{channel}/out.mpd") { Content = new ByteArrayContent([1]) };
        allowed.Headers.Authorization = StudioA;
        using var stored = await _origin.Ingest.SendAsync(allowed, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
    }

    [Fact]
    public async Task Delete_WithoutOrWithWrongCredentials_IsRefusedAndKeepsTheObject()
    {
        var path = $"/{Channel("studio-a")}/out.mpd";
        (await PutAsync(path, StudioA)).Dispose();

        using var anonymous = await DeleteAsync(path, authorization: null);
        using var wrong = await DeleteAsync(path, Basic(IngestAuthFixture.StudioAUser, "wrong"));
        using var foreign = await DeleteAsync(path, StudioB);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.NotNull(await _origin.CurrentMetaAsync(path));

        using var allowed = await DeleteAsync(path, StudioA);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Null(await _origin.CurrentMetaAsync(path));
    }

    [Fact]
    public async Task Put_AuthenticatedButMalformedPath_Is400()
    {
        using var response = await PutAsync("/live/studio-a/bad%20name.m4s", StudioA);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>
    /// What ffmpeg does first on each connection: headers with <c>Expect: 100-continue</c> and no credentials. The
    /// 401 must come before any body is asked for, and nothing may be stored.
    /// </summary>
    [Fact]
    public async Task ChunkedPut_ExpectingContinue_WithoutCredentials_Gets401BeforeSendingItsBody()
    {
        var channel = Channel("studio-a");
        using var client = new TcpClient();
        await client.ConnectAsync(_origin.IngestUri.Host, _origin.IngestUri.Port, Cancellation);
        await using var stream = client.GetStream();
        var head = $"PUT /{channel}/chunk-stream0-00001.m4s HTTP/1.1\r\nHost: {_origin.IngestUri.Authority}\r\n"
            + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nUser-Agent: Lavf/59.27.100\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var headers = new List<string>();
        while (await reader.ReadLineAsync(Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancellation) is { Length: > 0 } line)
        {
            headers.Add(line);
        }

        Assert.StartsWith("HTTP/1.1 401", statusLine, StringComparison.Ordinal);
        Assert.Contains(headers, header => header.StartsWith("WWW-Authenticate: Basic realm=", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    /// <summary>A wrong password on a segment upload already streaming: refused at its headers, the connection closed, nothing stored.</summary>
    [Fact]
    public async Task ChunkedPut_WithWrongPassword_Is403AndTheConnectionCloses()
    {
        var channel = Channel("studio-a");
        using var client = new TcpClient();
        await client.ConnectAsync(_origin.IngestUri.Host, _origin.IngestUri.Port, Cancellation);
        await using var stream = client.GetStream();
        var wrong = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{IngestAuthFixture.StudioAUser}:wrong"));
        var head = $"PUT /{channel}/chunk-stream0-00001.m4s HTTP/1.1\r\nHost: {_origin.IngestUri.Authority}\r\n"
            + $"Transfer-Encoding: chunked\r\nAuthorization: Basic {wrong}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);
        var chunk = TestPaths.Payload(1000, 2);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), Cancellation);
        await stream.WriteAsync(chunk, Cancellation);
        await stream.WriteAsync("\r\n"u8.ToArray(), Cancellation);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var head403 = new List<string>();
        while (await reader.ReadLineAsync(Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancellation) is { Length: > 0 } line)
        {
            head403.Add(line);
        }

        Assert.StartsWith("HTTP/1.1 403", head403[0], StringComparison.Ordinal);
        Assert.Contains("Connection: close", head403, StringComparer.OrdinalIgnoreCase);
        // Kestrel ends the connection (a FIN, or a reset once it gives up draining the body it did not want).
        try
        {
            await reader.ReadToEndAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        }
        catch (IOException)
        {
        }

        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task HealthAndMetrics_StayOpen()
    {
        using var health = await _origin.Ingest.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);
        using var metrics = await _origin.Ingest.GetAsync(new Uri("/metrics", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    internal static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static string Channel(string studio) => $"live/{studio}/{Guid.NewGuid():N}"[..(studio.Length + 14)];

    private async Task<HttpResponseMessage> PutAsync(string path, AuthenticationHeaderValue? authorization, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body ?? [1, 2, 3]) };
        request.Headers.Authorization = authorization;
        return await _origin.Ingest.SendAsync(request, Cancellation);
    }

    private async Task<HttpResponseMessage> DeleteAsync(string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        request.Headers.Authorization = authorization;
        return await _origin.Ingest.SendAsync(request, Cancellation);
    }
}
