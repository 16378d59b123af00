using System.Diagnostics;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>Oversized, malformed and trickled request heads: Kestrel's limits (Kestrel:Limits in appsettings.json) answer them.</summary>
public sealed class HostileHeaderTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HeaderLargerThanTheHeadersLimit_Is431AndClosed()
    {
        var channel = TestPaths.Channel();
        var head = $"PUT /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nX-Padding: {new string('a', 20_000)}\r\nContent-Length: 3\r\n\r\nabc";

        await AssertRefusedAndClosedAsync(head, 431);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task MoreHeadersThanAllowed_Is431AndClosed()
    {
        var channel = TestPaths.Channel();
        var headers = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            headers.Append("X-H").Append(i).Append(": v\r\n");
        }

        await AssertRefusedAndClosedAsync($"PUT /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\n{headers}Content-Length: 3\r\n\r\nabc", 431);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Theory]
    [InlineData("Host: origin\r\nHost: other\r\n")]
    [InlineData("")]
    [InlineData("Host: origin\r\nX-Folded: a\r\n  b\r\n")]
    [InlineData("Host: origin\r\nX Space: a\r\n")]
    [InlineData("Host: origin\r\nX-Nul: a\u0000b\r\n")]
    [InlineData("Host: origin\r\n: no name\r\n")]
    public async Task MalformedHead_Is400AndClosed(string headers)
    {
        var channel = TestPaths.Channel();

        await AssertRefusedAndClosedAsync($"PUT /{channel}/a.m4s HTTP/1.1\r\n{headers}Content-Length: 3\r\n\r\nabc", 400);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Theory]
    [InlineData("HTTP/2.0", 505)]
    [InlineData("HTTP/9.9", 505)]
    [InlineData("HTTX/1.1", 505)]
    public async Task UnknownProtocolVersion_IsRefusedAndClosed(string version, int status)
    {
        var channel = TestPaths.Channel();

        await AssertRefusedAndClosedAsync($"PUT /{channel}/a.m4s {version}\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc", status);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Http2PriorKnowledgeOnTheHttp1Port_IsClosedWithoutStoringAnything()
    {
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);
        var before = await _origin.StoredKeysAsync();

        await connection.SendAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", Cancellation);

        var (closed, received) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.DoesNotContain("HTTP/1.1 2", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.Empty((await _origin.StoredKeysAsync()).Except(before));
    }

    [Fact]
    public async Task SlowLoris_HeadTrickledByteByByte_IsCutOffByTheHeadersTimeout()
    {
        var channel = TestPaths.Channel();
        // At one byte per 50 ms this head would take over 10 s to arrive: ten times the timeout.
        var head = RawConnection.Bytes($"PUT /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nUser-Agent: {new string('s', 150)}\r\nContent-Length: 3\r\n\r\n");
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        var (closed, received, lived) = await connection.TrickleUntilClosedAsync(head, TimeSpan.FromMilliseconds(50), Cancellation);

        Assert.True(closed);
        Assert.True(lived < TimeSpan.FromSeconds(8), $"the connection lived {lived}");
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task RequestLineThatNeverEnds_IsClosedByTheHeadersTimeout()
    {
        var channel = TestPaths.Channel();
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);
        var elapsed = Stopwatch.StartNew();

        await connection.SendAsync($"PUT /{channel}/a.m4s HTT", Cancellation);

        var (closed, received) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.True(elapsed.Elapsed >= HostileOriginFixture.RequestHeadersTimeout, $"closed after {elapsed.Elapsed}");
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    private async Task AssertRefusedAndClosedAsync(string request, int status)
    {
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);
        await connection.SendAsync(request, Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);

        Assert.Equal(status, response?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }
}
