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

    [Fact]
    public void EnvironmentFor_Ingest_CarriesTheControlPlaneAndItsToken_AndDeliveryDoesNot()
    {
        var wiring = Sample with { ControlUrl = new Uri("http://localhost:5102"), AdminToken = "0123abcd" };

        var ingest = wiring.EnvironmentFor("ingest");
        var delivery = wiring.EnvironmentFor("delivery");

        Assert.Equal("http://localhost:5102", ingest["Control__Url"]);
        Assert.Equal("0123abcd", ingest["Control__AdminToken"]);
        Assert.DoesNotContain("Control__AdminToken", delivery.Keys);
    }

    [Fact]
    public void Create_GeneratesAnAdminToken_ForEachRun()
    {
        var options = new AppHostOptions();

        var first = Wiring.Create("127.0.0.1:6390", redisIsOwn: true, options);
        var second = Wiring.Create("127.0.0.1:6390", redisIsOwn: true, options);

        Assert.Equal(new Uri("http://localhost:5002"), first.ControlUrl);
        Assert.Equal(64, first.AdminToken!.Length);
        Assert.NotEqual(first.AdminToken, second.AdminToken);
    }
}
