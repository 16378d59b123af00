using System.Globalization;
using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Apis;

/// <summary>The clock players sync with through the MPD's UTCTiming.</summary>
public sealed class TimeApiTests(OriginFixture fixture) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_ReturnsUtcNowAsIsoWithMilliseconds_NeverCached()
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await _origin.Delivery.GetAsync(new Uri("/time", UriKind.Relative), Cancellation);
        var after = DateTimeOffset.UtcNow;
        var body = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body);
        var served = DateTimeOffset.ParseExact(body, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(served, before.AddMilliseconds(-1), after.AddMilliseconds(1));
    }

    [Fact]
    public async Task Head_HasADateHeaderReadableCrossOrigin()
    {
        using var response = await _origin.Delivery.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/time"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.Date);
        Assert.InRange(response.Headers.Date!.Value, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Date", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }
}
