using System.Diagnostics;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>Oversized, malformed and trickled request heads at Delivery: Kestrel's limits (Kestrel:Limits in appsettings.json) answer them.</summary>
public sealed class HostileHeaderTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HeaderLargerThanTheHeadersLimit_Is431AndClosed() =>
        await AssertRefusedAndClosedAsync($"GET /live/a.m4s HTTP/1.1\r\nHost: origin\r\nCookie: {new string('a', 20_000)}\r\n\r\n", 431);

    [Fact]
    public async Task MoreHeadersThanAllowed_Is431AndClosed()
    {
        var headers = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            headers.Append("X-H").Append(i).Append(": v\r\n");
        }

        await AssertRefusedAndClosedAsync($"GET /live/a.m4s HTTP/1.1\r\nHost: origin\r\n{headers}\r\n", 431);
    }

    [Theory]
    [InlineData("Host: origin\r\nHost: other\r\n")]
    [InlineData("")]
    [InlineData("Host: origin\r\nX-Folded: a\r\n  b\r\n")]
    [InlineData("Host: origin\r\nX Space: a\r\n")]
    [InlineData("Host: origin\r\nX-Nul: a\u0000b\r\n")]
    public async Task MalformedHead_Is400AndClosed(string headers) =>
        await AssertRefusedAndClosedAsync($"GET /live/a.m4s HTTP/1.1\r\n{headers}\r\n", 400);

    [Fact]
    public async Task SlowLoris_HeadTrickledByteByByte_IsCutOffByTheHeadersTimeout()
    {
        // At one byte per 50 ms this head would take over 10 s to arrive: ten times the timeout.
        var head = RawConnection.Bytes($"GET /live/a.m4s HTTP/1.1\r\nHost: origin\r\nUser-Agent: {new string('s', 150)}\r\n\r\n");
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);

        var (closed, received, lived) = await connection.TrickleUntilClosedAsync(head, TimeSpan.FromMilliseconds(50), Cancellation);

        Assert.True(closed);
        Assert.True(lived < TimeSpan.FromSeconds(8), $"the connection lived {lived}");
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLineThatNeverEnds_IsClosedByTheHeadersTimeout()
    {
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);
        var elapsed = Stopwatch.StartNew();

        await connection.SendAsync("GET /live/a.m4s HTT", Cancellation);

        var (closed, received) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.True(elapsed.Elapsed >= HostileOriginFixture.RequestHeadersTimeout, $"closed after {elapsed.Elapsed}");
    }

    private async Task AssertRefusedAndClosedAsync(string request, int status)
    {
        await using var connection = await RawConnection.OpenAsync(_origin.DeliveryUri, Cancellation);
        await connection.SendAsync(request, Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);

        Assert.Equal(status, response?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }
}
