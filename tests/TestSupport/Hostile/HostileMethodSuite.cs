namespace CmafOrigin.TestSupport.Hostile;

/// <summary>
/// Methods a service does not take: 405 with an Allow header naming the ones it does, a short reason, and nothing
/// stored. The methods neither service takes are tested here, once; each service's class adds those only the other
/// service takes (Delivery refuses uploads, Ingest refuses reads) through <see cref="AssertRefusedAsync"/>.
/// </summary>
public abstract class HostileMethodSuite(HostileOriginFixture fixture)
{
    protected OriginHost Origin { get; } = fixture.Origin;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The service's own port.</summary>
    protected abstract Uri Target { get; }

    /// <summary>The service's Allow header, exactly.</summary>
    protected abstract string Allow { get; }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    [InlineData("MOVE")]
    [InlineData("BREW")]
    public Task MethodNoServiceTakes_Is405WithAllow_AndStoresNothing(string method) => AssertRefusedAsync(method);

    protected async Task AssertRefusedAsync(string method)
    {
        var channel = TestPaths.Channel();

        var response = await RawConnection.ExchangeAsync(
            Target, RawConnection.Bytes($"{method} /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nContent-Length: 0\r\n\r\n"), Cancellation);

        Assert.Equal(405, response.Status);
        Assert.Equal(Allow, response.Header("Allow"));
        Assert.Contains($"{method} is not supported here", response.BodyText, StringComparison.Ordinal);
        Assert.Empty(await Origin.StoredKeysAsync(channel));
    }
}
