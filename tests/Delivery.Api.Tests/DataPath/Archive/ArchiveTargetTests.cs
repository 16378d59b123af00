using CmafOrigin.Delivery.Archive;

namespace CmafOrigin.Delivery.Tests.Archive;

public sealed class ArchiveTargetTests
{
    [Theory]
    [InlineData("/live/demo/archive/", "live/demo")]
    [InlineData("/live/demo/archive", "live/demo")]
    [InlineData("/live/demo/archive/?x=1", "live/demo")]
    [InlineData("/archive/", "")]
    [InlineData("/live/archive/archive/", "live/archive")]
    public void TryParse_Listing_IsTheChannelBeforeTheLastArchiveSegment(string target, string channel)
    {
        Assert.True(ArchiveTarget.TryParse(target, out var parsed, out _));

        Assert.Equal(new ArchiveTarget(channel, null, null), parsed);
        Assert.True(ArchiveTarget.HasArchiveShape(target.Split('?')[0].TrimStart('/')));
    }

    [Theory]
    [InlineData("/live/demo/archive/20261202T101500Z/manifest.mpd", "live/demo", "20261202T101500Z", "manifest.mpd")]
    [InlineData("/live/demo/archive/20261202T101500Z-2/0.mp4?token=x", "live/demo", "20261202T101500Z-2", "0.mp4")]
    [InlineData("/archive/20261202T101500Z/master.m3u8", "", "20261202T101500Z", "master.m3u8")]
    [InlineData("/archive/archive/20261202T101500Z/0.m3u8", "archive", "20261202T101500Z", "0.m3u8")]
    public void TryParse_File_IsChannelRunAndName(string target, string channel, string run, string file)
    {
        Assert.True(ArchiveTarget.TryParse(target, out var parsed, out _));

        Assert.Equal(new ArchiveTarget(channel, run, file), parsed);
        Assert.True(ArchiveTarget.HasArchiveShape("~t/token/" + target.Split('?')[0].TrimStart('/')));
    }

    [Theory]
    [InlineData("/live/demo/archive/x.m4s")]
    [InlineData("/live/demo/archive/2026/0.mp4")]
    [InlineData("/live/demo/archive/20261202T101500Z/")]
    [InlineData("/live/demo/archive/20261202T101500Z/0.mp4/")]
    [InlineData("/live/demo/20261202T101500Z/0.mp4")]
    [InlineData("/live/demo/out.mpd")]
    public void HasArchiveShape_OtherPaths_AreTheObjectRoutes(string target) =>
        Assert.False(ArchiveTarget.HasArchiveShape(target.TrimStart('/')));

    [Theory]
    [InlineData("/live/demo/archive/../archive/")]
    [InlineData("/live/%2e%2e/archive/")]
    [InlineData("/live/demo/archive/20261202T101500Z/..")]
    [InlineData("/live/demo/archive//")]
    [InlineData("/~t/token/live/demo/archive/")]
    [InlineData("/live/demo/archive/20261202T101500Z/0~201.mp4")]
    public void TryParse_AnythingAnObjectPathMayNotBe_IsRefused(string target) =>
        Assert.False(ArchiveTarget.TryParse(target, out _, out _));
}
