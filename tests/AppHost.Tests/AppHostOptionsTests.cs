using CmafOrigin.AppHost.Redis;

namespace CmafOrigin.AppHost.Tests;

public sealed class AppHostOptionsTests
{
    [Fact]
    public void TryParse_NoArguments_StartsOwnRedisOnTheDefaultPorts()
    {
        Assert.True(AppHostOptions.TryParse([], out var options, out _));

        Assert.Equal(RedisChoice.OwnServer, options.Redis);
        Assert.Equal(1, options.IngestReplicas);
        Assert.Equal(5000, options.IngestPort);
        Assert.Equal(5001, options.DeliveryPort);
        Assert.Equal(5002, options.ControlPort);
        Assert.False(options.Demo);
        Assert.False(options.Help);
        Assert.Equal("encoder", options.IngestUser);
        Assert.Null(options.IngestPassword);
        Assert.Equal(1, options.DeliveryReplicas);
        Assert.True(options.Archive);
        Assert.EndsWith("/cmaforigin/archive", options.ArchiveDirectory, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, options.DvrWindow);
    }

    [Fact]
    public void TryParse_ArchiveOptions_AreRead_AndDvrNeedsTheArchive()
    {
        Assert.True(AppHostOptions.TryParse(["--archive-dir", "/srv/a/../archive", "--dvr-window", "120"], out var options, out _));
        Assert.Equal("/srv/archive", options.ArchiveDirectory);
        Assert.Equal(TimeSpan.FromHours(2), options.DvrWindow);

        Assert.True(AppHostOptions.TryParse(["--no-archive"], out var without, out _));
        Assert.False(without.Archive);

        Assert.False(AppHostOptions.TryParse(["--no-archive", "--dvr-window", "10"], out _, out var error));
        Assert.Contains("--no-archive", error, StringComparison.Ordinal);
        Assert.False(AppHostOptions.TryParse(["--dvr-window", "2h"], out _, out error));
        Assert.Contains("minutes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RedisCluster_StartsALocalCluster_AndCannotGoWithAGivenRedis()
    {
        Assert.True(AppHostOptions.TryParse(["--redis-cluster"], out var options, out _));
        Assert.Equal(RedisChoice.OwnCluster, options.Redis);

        Assert.False(AppHostOptions.TryParse(["--redis-cluster", "--redis", "10.0.0.1:7000"], out _, out var error));
        Assert.Contains("--redis-cluster", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RedisWithSeveralSeeds_IsGivenToTheServicesAsIs()
    {
        Assert.True(AppHostOptions.TryParse(["--redis", "10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000"], out var options, out _));

        Assert.Equal("10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000", options.Redis.ConnectionString);
        Assert.False(options.Redis.Cluster);
    }

    [Fact]
    public void TryParse_UserWithColon_IsRefused()
    {
        Assert.False(AppHostOptions.TryParse(["--ingest-user", "a:b"], out _, out var error));
        Assert.Contains("cannot contain ':'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EveryOption_IsRead()
    {
        Assert.True(AppHostOptions.TryParse(
            ["--redis", "10.0.0.1:6380,password=x", "--ingest-port", "6000", "--delivery-port=6001", "--control-port", "6002", "--demo", "--ingest-user", "studio", "--ingest-password=pw", "--delivery-replicas", "3", "--ingest-replicas=2"],
            out var options,
            out _));

        Assert.Equal("studio", options.IngestUser);
        Assert.Equal("pw", options.IngestPassword);

        Assert.Equal(RedisChoice.Given("10.0.0.1:6380,password=x"), options.Redis);
        Assert.Equal(6000, options.IngestPort);
        Assert.Equal(6001, options.DeliveryPort);
        Assert.Equal(6002, options.ControlPort);
        Assert.True(options.Demo);
        Assert.Equal(3, options.DeliveryReplicas);
        Assert.Equal(2, options.IngestReplicas);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void TryParse_Help_AsksForUsage(string argument)
    {
        Assert.True(AppHostOptions.TryParse([argument], out var options, out _));

        Assert.True(options.Help);
    }

    [Theory]
    [InlineData("--ingest-port", "0")]
    [InlineData("--ingest-port", "65536")]
    [InlineData("--delivery-port", "http")]
    [InlineData("--delivery-port", "-1")]
    [InlineData("--control-port", "70000")]
    [InlineData("--delivery-replicas", "0")]
    [InlineData("--delivery-replicas", "17")]
    [InlineData("--delivery-replicas", "two")]
    [InlineData("--ingest-replicas", "0")]
    [InlineData("--ingest-replicas", "17")]
    public void TryParse_NumberOutOfRange_IsAnError(string option, string value)
    {
        Assert.False(AppHostOptions.TryParse([option, value], out _, out var error));

        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--redis")]
    [InlineData("--ingest-port")]
    [InlineData("--redis=")]
    public void TryParse_OptionWithoutValue_IsAnError(string argument)
    {
        Assert.False(AppHostOptions.TryParse([argument], out _, out var error));

        Assert.Contains("needs a value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownOption_IsAnError()
    {
        Assert.False(AppHostOptions.TryParse(["--verbose"], out _, out var error));

        Assert.Equal("unknown option '--verbose'", error);
    }

    [Fact]
    public void TryParse_SamePortForBothServices_IsAnError()
    {
        Assert.False(AppHostOptions.TryParse(["--ingest-port", "7000", "--delivery-port", "7000"], out _, out var error));

        Assert.Contains("7000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5000")]
    [InlineData("5001")]
    public void TryParse_ControlPortSharedWithAService_IsAnError(string port)
    {
        Assert.False(AppHostOptions.TryParse(["--control-port", port], out _, out var error));
        Assert.Contains("control plane", error, StringComparison.Ordinal);
    }
}
