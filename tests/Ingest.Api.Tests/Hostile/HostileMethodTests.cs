using CmafOrigin.TestSupport;
using CmafOrigin.TestSupport.Hostile;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>Methods Ingest does not take (those no service takes: <see cref="HostileMethodSuite"/>): reads go to Delivery.</summary>
public sealed class HostileMethodTests(HostileOriginFixture fixture) : HostileMethodSuite(fixture), IClassFixture<HostileOriginFixture>
{
    protected override Uri Target => Origin.IngestUri;

    protected override string Allow => "DELETE, POST, PUT";

    [Theory]
    [InlineData("GET")]
    [InlineData("OPTIONS")]
    public Task ReadMethod_Is405WithAllow_AndStoresNothing(string method) => AssertRefusedAsync(method);

    [Fact]
    public async Task Head_Is405WithAllow_AndNoBody()
    {
        var channel = TestPaths.Channel();
        await using var connection = await RawConnection.OpenAsync(Origin.IngestUri, Cancellation);

        await connection.SendAsync($"HEAD /{channel}/a.m4s HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n", Cancellation);

        var response = await connection.ReadResponseAsync(Cancellation, bodyless: true);
        Assert.Equal(405, response?.Status);
        Assert.Equal(Allow, response!.Header("Allow"));
        var (closed, rest) = await connection.ReadToCloseAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(closed);
        Assert.Empty(rest);
    }
}
