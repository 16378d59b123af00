using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>
/// Paths a viewer-side attacker writes to read another object than the one named, or to reach Delivery's other
/// endpoints through a normalised path; sent byte for byte over a raw socket to real Kestrel.
/// </summary>
public sealed class HostilePathTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/{v}/x/../secret.m4s")]
    [InlineData("/{v}/x/%2e%2e/secret.m4s")]
    [InlineData("/{v}/x/%2E%2E%2Fsecret.m4s")]
    [InlineData("/{v}/x/%252e%252e/secret.m4s")]
    [InlineData("/{v}/x/..%2fsecret.m4s")]
    [InlineData("/{v}/x/..%5csecret.m4s")]
    [InlineData("/{v}/x\\..\\secret.m4s")]
    [InlineData("/{v}/x/%c0%ae%c0%ae/secret.m4s")]
    [InlineData("/{v}/x/%e0%80%ae%e0%80%ae/secret.m4s")]
    [InlineData("/{v}/./secret.m4s")]
    [InlineData("/{v}/secret.m4s%00")]
    [InlineData("/{v}/%73ecret.m4s")]
    [InlineData("/{v}//secret.m4s")]
    public async Task TraversalOrEncodedPathToAStoredObject_Is400_AndLeaksNoByte(string template)
    {
        var channel = TestPaths.Channel("victim");
        var secret = TestPaths.Payload(100, 9);
        using (var stored = await _origin.Ingest.PutAsync(new Uri($"/{channel}/secret.m4s", UriKind.Relative), new ByteArrayContent(secret), Cancellation))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        var response = await RawConnection.ExchangeAsync(
            _origin.DeliveryUri, RawConnection.Bytes($"GET {template.Replace("{v}", channel, StringComparison.Ordinal)} HTTP/1.1\r\nHost: origin\r\n\r\n"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.True(response.BodyText.Contains("\"detail\"", StringComparison.Ordinal) || response.Closes, response.BodyText);
        Assert.True(response.Body.AsSpan().IndexOf(secret) < 0, "the secret object's bytes were served");
    }

    [Theory]
    [InlineData("/x/../time")]
    [InlineData("/x/%2e%2e/time")]
    [InlineData("/x/%2e%2e/health")]
    [InlineData("/x/..%2f..%2fhealth")]
    [InlineData("/%2e%2e/metrics")]
    [InlineData("/live/%2e%2e/player")]
    [InlineData("/api/x/%2e%2e/manifests/latest")]
    [InlineData("/%74ime")]
    [InlineData("/time%2f")]
    [InlineData("/time\\")]
    public async Task TraversalOntoAnotherEndpoint_Is400(string target)
    {
        var response = await RawConnection.ExchangeAsync(
            _origin.DeliveryUri, RawConnection.Bytes($"GET {target} HTTP/1.1\r\nHost: origin\r\n\r\n"), Cancellation);

        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("GET /live/a\u0000b.m4s HTTP/1.1")]
    [InlineData("GET /live/a b.m4s HTTP/1.1")]
    [InlineData("GET /live/caf\u00e9.m4s HTTP/1.1")]
    [InlineData("GET /live/\u00c0\u00ae\u00c0\u00ae/x.m4s HTTP/1.1")]
    [InlineData("GET /live/a\u007fb.m4s HTTP/1.1")]
    [InlineData("GET live/a.m4s HTTP/1.1")]
    [InlineData("GET http://elsewhere/live/a.m4s HTTP/1.1")]
    public async Task RawControlOrNonAsciiBytesInTarget_Are400(string requestLine)
    {
        var response = await RawConnection.ExchangeAsync(_origin.DeliveryUri, RawConnection.Bytes($"{requestLine}\r\nHost: origin\r\n\r\n"), Cancellation);

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task PathLongerThanObjectPathAllows_Is400()
    {
        var target = $"/{TestPaths.Channel()}/{new string('a', ObjectPath.MaxLength)}.m4s";

        var response = await RawConnection.ExchangeAsync(_origin.DeliveryUri, RawConnection.Bytes($"GET {target} HTTP/1.1\r\nHost: origin\r\n\r\n"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.Contains("longer than", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLineLongerThanKestrelAllows_Is414AndClosed()
    {
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);

        await connection.SendAsync($"GET /live/{new string('a', 5000)}.m4s HTTP/1.1\r\nHost: origin\r\n\r\n", Cancellation);

        Assert.Equal(414, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }
}
