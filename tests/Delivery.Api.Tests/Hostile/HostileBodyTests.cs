using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>
/// Bodies on requests that carry none: a player never sends one, and a proxy in front might frame such a body
/// differently from Kestrel, so they are refused and the connection closed.
/// </summary>
public sealed class HostileBodyTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "Content-Length: 5\r\n\r\nhello")]
    [InlineData("GET", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("GET", "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("GET", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("HEAD", "Content-Length: 5\r\n\r\nhello")]
    public async Task RequestWithABody_Is400AndClosed_AndServesNothing(string method, string framingAndBody)
    {
        var path = await StoreAsync();
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);

        await connection.SendAsync($"{method} {path} HTTP/1.1\r\nHost: origin\r\n{framingAndBody}", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation, bodyless: method == "HEAD");
        Assert.Equal(400, response?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }

    [Fact]
    public async Task GetWithAZeroContentLength_IsServed()
    {
        var path = await StoreAsync();

        var response = await RawConnection.ExchangeAsync(
            _origin.DeliveryUri, RawConnection.Bytes($"GET {path} HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(200, response.Status);
        Assert.Equal([1, 2, 3], response.Body);
    }

    [Fact]
    public async Task PipelinedGets_AreAnsweredInOrder_AndGarbageAfterThemClosesTheConnection()
    {
        var path = await StoreAsync();
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);

        await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: origin\r\n\r\nGET /time HTTP/1.1\r\nHost: origin\r\n\r\n\u0001\u0002garbage\r\n\r\n", Cancellation);

        Assert.Equal([1, 2, 3], (await connection.ReadResponseAsync(Cancellation))?.Body);
        Assert.Equal(200, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.Equal(400, (await connection.ReadResponseAsync(Cancellation))?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }

    private async Task<string> StoreAsync()
    {
        var path = $"/{TestPaths.Channel()}/init-stream0.m4s";
        using var stored = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        return path;
    }
}
