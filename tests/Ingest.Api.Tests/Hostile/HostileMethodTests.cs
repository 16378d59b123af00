using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>Methods Ingest does not take: 405 with an Allow header naming the ones it does, and a short reason.</summary>
public sealed class HostileMethodTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("TRACE")]
    [InlineData("OPTIONS")]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    [InlineData("MOVE")]
    [InlineData("BREW")]
    public async Task UnsupportedMethod_Is405WithAllow_AndStoresNothing(string method)
    {
        var channel = TestPaths.Channel();

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"{method} /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Equal("DELETE, POST, PUT", response.Header("Allow"));
        Assert.Contains($"{method} is not supported here", response.BodyText, StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Head_Is405WithAllow_AndNoBody()
    {
        var channel = TestPaths.Channel();
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"HEAD /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation, bodyless: true);
        Assert.Equal(405, response?.Status);
        Assert.Equal("DELETE, POST, PUT", response!.Header("Allow"));
        var (closed, rest) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.Empty(rest);
    }
}
