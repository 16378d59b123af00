namespace CmafOrigin.AppHost.Tests;

public sealed class StartupBannerTests
{
    private static readonly OriginAddresses Origin = new(
        new Uri("http://localhost:5100"), new Uri("http://localhost:5101"), new Uri("http://localhost:5102"));

    private static StartupBanner Banner(bool demo = false, IngestCredential? credential = null, int ingestReplicas = 1, int deliveryReplicas = 1) => new(
        services: null!,
        redis: null!,
        Origin,
        credential ?? new IngestCredential("encoder", "s3cret-Pw_1"),
        controlToken: "0123abcd",
        new AppHostOptions { Demo = demo, ArchiveDirectory = "/srv/cmaforigin/archive", IngestReplicas = ingestReplicas, DeliveryReplicas = deliveryReplicas });

    [Fact]
    public void Render_ShowsWhereEverythingIsAndALowLatencyPushCommand()
    {
        var banner = Banner().Render("localhost:6390", StartupBanner.OwnRedisServer);

        Assert.Contains(StartupBanner.ReadyLine, banner, StringComparison.Ordinal);
        Assert.Contains("ingest    http://localhost:5100", banner, StringComparison.Ordinal);
        Assert.Contains("delivery  http://localhost:5101", banner, StringComparison.Ordinal);
        Assert.Contains("player    http://localhost:5101/player", banner, StringComparison.Ordinal);
        Assert.Contains("status  http://localhost:5101/status", banner, StringComparison.Ordinal);
        Assert.Contains("redis     localhost:6390    (redis-server started by the AppHost)", banner, StringComparison.Ordinal);
        Assert.Contains("publish   user encoder  password s3cret-Pw_1", banner, StringComparison.Ordinal);
        Assert.Contains("control   http://localhost:5102", banner, StringComparison.Ordinal);
        Assert.Contains("admin token  0123abcd", banner, StringComparison.Ordinal);
        Assert.Contains("-streaming 1 -ldash 1", banner, StringComparison.Ordinal);
        Assert.Contains("-method PUT -http_persistent 1", banner, StringComparison.Ordinal);
        Assert.Contains("-utc_timing_url http://localhost:5101/time -target_latency 1.5", banner, StringComparison.Ordinal);
        Assert.Contains("-adaptation_sets 'id=0,streams=v id=1,streams=a'", banner, StringComparison.Ordinal);
        Assert.Contains("ffplay http://localhost:5101/live/studio/out.mpd", banner, StringComparison.Ordinal);
        Assert.Contains("LL-HLS (hls.js, Safari): http://localhost:5101/live/studio/out.m3u8", banner, StringComparison.Ordinal);
        Assert.Contains("Ctrl+C stops everything", banner, StringComparison.Ordinal);
        Assert.Contains("archive   /srv/cmaforigin/archive", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("DVR", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PushCommand_IsOneShellCommandEndingInTheCredentialedManifestUrl()
    {
        var lines = Banner().Render("localhost:6390", StartupBanner.OwnRedisServer).Split(Environment.NewLine);
        var first = Array.FindIndex(lines, line => line.TrimStart().StartsWith("ffmpeg ", StringComparison.Ordinal));
        var last = Array.FindIndex(lines, first, line => !line.EndsWith(" \\", StringComparison.Ordinal));

        Assert.True(first >= 0);
        Assert.EndsWith("http://encoder:s3cret-Pw_1@localhost:5100/live/studio/out.mpd", lines[last], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithDemo_NamesTheDemoChannelAndSuggestsAnotherForASecondEncoder()
    {
        var banner = Banner(demo: true).Render("localhost:6390", StartupBanner.OwnRedisServer);

        Assert.Contains("The demo encoder (ffmpeg) pushes to http://localhost:5100/live/demo/out.mpd", banner, StringComparison.Ordinal);
        Assert.Contains("DASH  http://localhost:5101/live/demo/out.mpd", banner, StringComparison.Ordinal);
        Assert.Contains("HLS   http://localhost:5101/live/demo/out.m3u8", banner, StringComparison.Ordinal);
        // Following the banner must never put a second encoder on the demo's channel.
        Assert.DoesNotContain("@localhost:5100/live/demo/", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PasswordNeedingEscapes_IsEscapedInTheUrl()
    {
        var banner = Banner(credential: new IngestCredential("enc", "p@ss:w/rd")).Render("localhost:6390", StartupBanner.OwnRedisServer);

        Assert.Contains("http://enc:p%40ss%3Aw%2Frd@localhost:5100/live/studio/out.mpd", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_GivenRedis_SaysItWasGiven()
    {
        var banner = Banner().Render("10.0.0.7:6379", StartupBanner.GivenRedis);

        Assert.Contains("redis     10.0.0.7:6379    (given with --redis)", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OwnClusterAndReplicas_NamesTheClusterAndHowManyInstancesShareEachPort()
    {
        var banner = Banner(ingestReplicas: 2, deliveryReplicas: 3).Render("127.0.0.1:7001,127.0.0.1:7002", StartupBanner.OwnRedisCluster);

        Assert.Contains("redis     127.0.0.1:7001,127.0.0.1:7002    (Redis Cluster started by the AppHost: 3 masters, 3 replicas)", banner, StringComparison.Ordinal);
        Assert.Contains("ingest    http://localhost:5100    (encoders PUT here; 2 Ingest instances behind this port)", banner, StringComparison.Ordinal);
        Assert.Contains("delivery  http://localhost:5101    (players GET here; 3 Delivery instances behind this port)", banner, StringComparison.Ordinal);
    }
}
