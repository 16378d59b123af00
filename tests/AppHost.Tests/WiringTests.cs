namespace CmafOrigin.AppHost.Tests;

public sealed class WiringTests
{
    private static readonly Wiring Sample = new(
        "127.0.0.1:6390", new Uri("http://localhost:5100"), new Uri("http://localhost:5101"), RedisIsOwn: true);

    [Fact]
    public void EnvironmentFor_Service_FollowsAspireConventions()
    {
        var environment = Sample.EnvironmentFor("delivery");

        Assert.Equal("127.0.0.1:6390", environment["ConnectionStrings__redis"]);
        Assert.Equal("delivery", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://localhost:5100", environment["services__ingest__http__0"]);
        Assert.Equal("http://localhost:5101", environment["services__delivery__http__0"]);
    }

    [Fact]
    public void Origin_Url_HasNoTrailingSlash()
    {
        Assert.Equal("http://localhost:5100", Wiring.Origin(new Uri("http://localhost:5100/")));
    }
}
