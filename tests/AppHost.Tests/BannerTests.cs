namespace CmafOrigin.AppHost.Tests;

public sealed class BannerTests
{
    private static readonly Wiring Sample = new(
        "127.0.0.1:6390", new Uri("http://localhost:5100"), new Uri("http://localhost:5101"), RedisIsOwn: true);

    [Fact]
    public void Render_WithoutDemo_ShowsWhereEverythingIsAndALowLatencyPushCommand()
    {
        var banner = Banner.Render(Sample, demo: false);

        Assert.Contains(Banner.ReadyLine, banner, StringComparison.Ordinal);
        Assert.Contains("ingest    http://localhost:5100", banner, StringComparison.Ordinal);
        Assert.Contains("delivery  http://localhost:5101", banner, StringComparison.Ordinal);
        Assert.Contains("redis     127.0.0.1:6390", banner, StringComparison.Ordinal);
        Assert.Contains("-streaming 1 -ldash 1", banner, StringComparison.Ordinal);
        Assert.Contains("-method PUT -http_persistent 1", banner, StringComparison.Ordinal);
        Assert.Contains("-utc_timing_url http://localhost:5101/time -target_latency 1.5", banner, StringComparison.Ordinal);
        Assert.Contains("-adaptation_sets 'id=0,streams=v id=1,streams=a'", banner, StringComparison.Ordinal);
        Assert.Contains("http://localhost:5100/live/demo/out.mpd", banner, StringComparison.Ordinal);
        Assert.Contains("ffplay http://localhost:5101/live/demo/out.mpd", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PushCommand_IsOneShellCommandWithContinuations()
    {
        var lines = Banner.Render(Sample, demo: false).Split(Environment.NewLine);
        var first = Array.FindIndex(lines, line => line.TrimStart().StartsWith("ffmpeg ", StringComparison.Ordinal));
        var last = Array.FindIndex(lines, first, line => !line.EndsWith(" \\", StringComparison.Ordinal));

        Assert.True(first >= 0);
        Assert.EndsWith("http://localhost:5100/live/demo/out.mpd", lines[last], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithDemo_SaysTheDemoEncoderIsPushing()
    {
        var banner = Banner.Render(Sample, demo: true);

        Assert.Contains("The demo encoder (ffmpeg) pushes to http://localhost:5100/live/demo/out.mpd", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("-ldash", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithAControlPlane_ShowsItsAddressAndTheAdminToken()
    {
        var banner = Banner.Render(Sample with { ControlUrl = new Uri("http://localhost:5102"), AdminToken = "0123abcd" }, demo: false);

        Assert.Contains("control   http://localhost:5102", banner, StringComparison.Ordinal);
        Assert.Contains("admin token  0123abcd", banner, StringComparison.Ordinal);
    }
}
