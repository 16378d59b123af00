using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>Methods Delivery does not take: 405 with an Allow header naming the ones it does, a short reason, and nothing stored.</summary>
public sealed class HostileMethodTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    [InlineData("BREW")]
    public async Task UnsupportedMethodOnAnObject_Is405WithAllow_AndStoresNothing(string method)
    {
        var channel = TestPaths.Channel();

        var response = await RawConnection.ExchangeAsync(
            _origin.DeliveryUri, RawConnection.Bytes($"{method} /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD", response.Header("Allow"));
        Assert.Contains($"{method} is not supported here", response.BodyText, StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Theory]
    [InlineData("PUT", "/time")]
    [InlineData("POST", "/api/manifests/latest")]
    [InlineData("DELETE", "/player")]
    public async Task UnsupportedMethodOnAnotherEndpoint_Is405WithAllow(string method, string path)
    {
        var response = await RawConnection.ExchangeAsync(
            _origin.DeliveryUri, RawConnection.Bytes($"{method} {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Contains("GET", response.Header("Allow") ?? string.Empty, StringComparison.Ordinal);
    }
}
