using System.Text;
using CmafOrigin.TestSupport;
using CmafOrigin.TestSupport.Hostile;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>
/// Oversized, malformed and trickled request heads at Ingest, none of which stores anything (the tests shared with
/// Delivery: <see cref="HostileHeadSuite"/>), and the protocol versions only the upload port must refuse.
/// </summary>
public sealed class HostileHeaderTests(HostileOriginFixture fixture) : HostileHeadSuite(fixture), IClassFixture<HostileOriginFixture>
{
    protected override Uri Target => Origin.IngestUri;

    protected override string Request(string channel, string headers) => $"PUT /{channel}/a.m4s HTTP/1.1\r\n{headers}Content-Length: 3\r\n\r\nabc";

    protected override async Task AssertNothingStoredAsync(string channel) => Assert.Empty(await Origin.StoredKeysAsync(channel));

    [Theory]
    [InlineData("HTTP/2.0", 505)]
    [InlineData("HTTP/9.9", 505)]
    [InlineData("HTTX/1.1", 505)]
    public async Task UnknownProtocolVersion_IsRefusedAndClosed(string version, int status)
    {
        var channel = TestPaths.Channel();

        await AssertRefusedAndClosedAsync($"PUT /{channel}/a.m4s {version}\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc", status);
        Assert.Empty(await Origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Http2PriorKnowledgeOnTheHttp1Port_IsClosedWithoutStoringAnything()
    {
        await using var connection = await RawConnection.OpenAsync(Origin.IngestUri, Cancellation);
        var before = await Origin.StoredKeysAsync();

        await connection.SendAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", Cancellation);

        var (closed, received) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.DoesNotContain("HTTP/1.1 2", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.Empty((await Origin.StoredKeysAsync()).Except(before));
    }
}
