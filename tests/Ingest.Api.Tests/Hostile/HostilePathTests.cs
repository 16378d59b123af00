using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>
/// Paths an attacker writes to reach another object than the one named (traversal, encodings, control bytes)
/// or to exhaust the server (huge targets), sent byte for byte over a raw socket to real Kestrel.
/// </summary>
public sealed class HostilePathTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Targets that, decoded or normalised, would name <c>{victim}/secret.m4s</c> or escape the tree; <c>{v}</c> is the victim's channel.</summary>
    public static TheoryData<string, string> Traversals()
    {
        var data = new TheoryData<string, string>();
        string[] targets =
        [
            "/{v}/x/../secret.m4s",
            "/{v}/x/%2e%2e/secret.m4s",
            "/{v}/x/%2E%2E%2Fsecret.m4s",
            "/{v}/x/%252e%252e/secret.m4s",
            "/{v}/x/%252E%252E%252Fsecret.m4s",
            "/{v}/x/..%2fsecret.m4s",
            "/{v}/x/..%2Fsecret.m4s",
            "/{v}/x/..%5csecret.m4s",
            "/{v}/x\\..\\secret.m4s",
            "/{v}\\secret.m4s",
            "/{v}/x/%c0%ae%c0%ae/secret.m4s",
            "/{v}/x/%c0%ae%c0%ae%c0%afsecret.m4s",
            "/{v}/x/%e0%80%ae%e0%80%ae/secret.m4s",
            "/{v}/x/.%2e/secret.m4s",
            "/{v}/./secret.m4s",
            "/{v}/secret.m4s%00",
            "/{v}/secret.m4s%00.mpd",
            "/{v}/%73ecret.m4s",
            "/../../../etc/passwd.m4s",
            "/%2e%2e/%2e%2e/etc/passwd.m4s",
            "//{v}/secret.m4s",
            "/{v}//secret.m4s",
        ];
        foreach (var method in new[] { "PUT", "POST", "DELETE" })
        {
            foreach (var target in targets)
            {
                data.Add(method, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Traversals))]
    public async Task TraversalOrEncodedPath_Is400_AndNeitherStoresNorTouchesAnything(string method, string target)
    {
        var (victim, victimBytes) = await StoreVictimAsync();
        var before = await _origin.StoredKeysAsync();
        var request = $"{method} {target.Replace("{v}", victim, StringComparison.Ordinal)} HTTP/1.1\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc";

        var response = await RawConnection.ExchangeAsync(_origin.IngestUri, RawConnection.Bytes(request), Cancellation);

        Assert.Equal(400, response.Status);
        // A short reason, or (Kestrel refusing %00 itself) a closed connection.
        Assert.True(response.BodyText.Contains("\"detail\"", StringComparison.Ordinal) || response.Closes, response.BodyText);
        Assert.Empty((await _origin.StoredKeysAsync()).Except(before));
        Assert.Equal(victimBytes, await _origin.Delivery.GetByteArrayAsync(new Uri($"/{victim}/secret.m4s", UriKind.Relative), Cancellation));
    }

    [Theory]
    [InlineData("PUT /live/a\u0000b.m4s HTTP/1.1")]
    [InlineData("PUT /live/a b.m4s HTTP/1.1")]
    [InlineData("PUT /live/caf\u00e9.m4s HTTP/1.1")]
    [InlineData("PUT /live/\u00c0\u00ae\u00c0\u00ae/x.m4s HTTP/1.1")]
    [InlineData("PUT /live/a\tb.m4s HTTP/1.1")]
    [InlineData("PUT /live/a\u007fb.m4s HTTP/1.1")]
    [InlineData("PUT live/a.m4s HTTP/1.1")]
    [InlineData("PUT http://elsewhere/live/a.m4s HTTP/1.1")]
    public async Task RawControlOrNonAsciiBytesInTarget_Are400(string requestLine)
    {
        var before = await _origin.StoredKeysAsync();

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"{requestLine}\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.Empty((await _origin.StoredKeysAsync()).Except(before));
    }

    [Fact]
    public async Task AsteriskTarget_MatchesNoObject_Is405()
    {
        var before = await _origin.StoredKeysAsync();

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes("PUT * HTTP/1.1\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Empty((await _origin.StoredKeysAsync()).Except(before));
    }

    [Fact]
    public async Task PathLongerThanObjectPathAllows_Is400()
    {
        var channel = TestPaths.Channel();
        var target = $"/{channel}/{new string('a', ObjectPath.MaxLength)}.m4s";

        var response = await RawConnection.ExchangeAsync(
            _origin.IngestUri, RawConnection.Bytes($"PUT {target} HTTP/1.1\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc"), Cancellation);

        Assert.Equal(400, response.Status);
        Assert.Contains("longer than", response.BodyText, StringComparison.Ordinal);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task RequestLineLongerThanKestrelAllows_Is414AndClosed()
    {
        var channel = TestPaths.Channel();
        var target = $"/{channel}/{new string('a', 5000)}.m4s";
        await using var connection = await RawConnection.OpenAsync(_origin.IngestUri, Cancellation);

        await connection.SendAsync($"PUT {target} HTTP/1.1\r\nHost: origin\r\nContent-Length: 3\r\n\r\nabc", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation);
        Assert.Equal(414, response?.Status);
        Assert.True((await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation)).Closed);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    private async Task<(string Channel, byte[] Bytes)> StoreVictimAsync()
    {
        var channel = TestPaths.Channel("victim");
        var bytes = TestPaths.Payload(100, 7);
        using var stored = await _origin.Ingest.PutAsync(new Uri($"/{channel}/secret.m4s", UriKind.Relative), new ByteArrayContent(bytes), Cancellation);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        return (channel, bytes);
    }
}
