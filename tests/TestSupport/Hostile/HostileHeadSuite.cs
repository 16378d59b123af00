using System.Diagnostics;
using System.Text;

namespace CmafOrigin.TestSupport.Hostile;

/// <summary>
/// Oversized, malformed and trickled request heads: Kestrel's limits (Kestrel:Limits in appsettings.json) answer them,
/// the same at both services. Each service's test class derives from this one and names its port, its request for an
/// object and what a refused request must not leave behind; the tests themselves are written once, here.
/// </summary>
public abstract class HostileHeadSuite(HostileOriginFixture fixture)
{
    protected OriginHost Origin { get; } = fixture.Origin;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The service's own port.</summary>
    protected abstract Uri Target { get; }

    /// <summary>The service's request for an object of <paramref name="channel"/> with <paramref name="headers"/> (each line ending CRLF).</summary>
    protected abstract string Request(string channel, string headers);

    /// <summary>Asserts that nothing of <paramref name="channel"/> was stored; nothing to check where the service stores nothing.</summary>
    protected virtual Task AssertNothingStoredAsync(string channel) => Task.CompletedTask;

    [Fact]
    public async Task HeaderLargerThanTheHeadersLimit_Is431AndClosed()
    {
        var channel = TestPaths.Channel();

        await AssertRefusedAndClosedAsync(Request(channel, $"Host: origin\r\nX-Padding: {new string('a', 20_000)}\r\n"), 431);
        await AssertNothingStoredAsync(channel);
    }

    [Fact]
    public async Task MoreHeadersThanAllowed_Is431AndClosed()
    {
        var channel = TestPaths.Channel();
        var headers = new StringBuilder("Host: origin\r\n");
        for (var i = 0; i < 100; i++)
        {
            headers.Append("X-H").Append(i).Append(": v\r\n");
        }

        await AssertRefusedAndClosedAsync(Request(channel, headers.ToString()), 431);
        await AssertNothingStoredAsync(channel);
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

        await AssertRefusedAndClosedAsync(Request(channel, headers), 400);
        await AssertNothingStoredAsync(channel);
    }

    [Fact]
    public async Task SlowLoris_HeadTrickledByteByByte_IsCutOffByTheHeadersTimeout()
    {
        var channel = TestPaths.Channel();
        // At one byte per 50 ms this head would take over 10 s to arrive: ten times the timeout.
        var head = RawConnection.Bytes(Request(channel, $"Host: origin\r\nUser-Agent: {new string('s', 150)}\r\n"));
        await using var connection = await RawConnection.OpenAsync(Target, Cancellation);

        var (closed, received, lived) = await connection.TrickleUntilClosedAsync(head, TimeSpan.FromMilliseconds(50), Cancellation);

        Assert.True(closed);
        Assert.True(lived < TimeSpan.FromSeconds(8), $"the connection lived {lived}");
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        await AssertNothingStoredAsync(channel);
    }

    [Fact]
    public async Task RequestLineThatNeverEnds_IsClosedByTheHeadersTimeout()
    {
        var channel = TestPaths.Channel();
        var request = Request(channel, string.Empty);
        // The request line cut inside its version: "... HTT".
        var unfinished = request[..(request.IndexOf("\r\n", StringComparison.Ordinal) - "P/1.1".Length)];
        await using var connection = await RawConnection.OpenAsync(Target, Cancellation);
        var elapsed = Stopwatch.StartNew();

        await connection.SendAsync(unfinished, Cancellation);

        var (closed, received) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.True(elapsed.Elapsed >= HostileOriginFixture.RequestHeadersTimeout, $"closed after {elapsed.Elapsed}");
        await AssertNothingStoredAsync(channel);
    }

    protected async Task AssertRefusedAndClosedAsync(string request, int status)
    {
        await using var connection = await RawConnection.OpenAsync(Target, Cancellation);
        await connection.SendAsync(request, Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);

        Assert.Equal(status, response?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
    }
}
