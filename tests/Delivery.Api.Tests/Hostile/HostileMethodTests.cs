using CmafOrigin.TestSupport;
using CmafOrigin.TestSupport.Hostile;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>Methods Delivery does not take (those no service takes: <see cref="HostileMethodSuite"/>): uploads go to Ingest.</summary>
public sealed class HostileMethodTests(HostileOriginFixture fixture) : HostileMethodSuite(fixture), IClassFixture<HostileOriginFixture>
{
    protected override Uri Target => Origin.DeliveryUri;

    protected override string Allow => "GET, HEAD";

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public Task UploadMethodOnAnObject_Is405WithAllow_AndStoresNothing(string method) => AssertRefusedAsync(method);

    [Theory]
    [InlineData("PUT", "/time")]
    [InlineData("POST", "/api/manifests/latest")]
    [InlineData("DELETE", "/player")]
    public async Task UnsupportedMethodOnAnotherEndpoint_Is405WithAllow(string method, string path)
    {
        var response = await RawConnection.ExchangeAsync(
            Origin.DeliveryUri, RawConnection.Bytes($"{method} {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Contains("GET", response.Header("Allow") ?? string.Empty, StringComparison.Ordinal);
    }
}
