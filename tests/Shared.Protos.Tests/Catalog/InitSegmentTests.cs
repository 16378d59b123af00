using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Contracts.Tests.Catalog;

public sealed class InitSegmentTests
{
    private static readonly IReadOnlyList<SegmentTemplate> Custom =
    [
        new("hd", "v-hd-init.cmfv", null),
        new("hd", "v-hd-", ".cmfv"),
        new("a", "init-a-", ".cmfa"),
    ];

    [Theory]
    [InlineData("init-stream0.m4s")]
    [InlineData("init-stream12.mp4")]
    [InlineData("video.init")]
    [InlineData("audio_0.header")]
    public void Matches_FfmpegAndExtensionNames_WithoutTemplates(string name)
    {
        Assert.True(InitSegment.Matches(name, []));
    }

    [Theory]
    [InlineData("chunk-stream0-00001.m4s")]
    [InlineData("out.mpd")]
    [InlineData("segment_init.m4s")]
    public void Matches_NotOtherNames_WithoutTemplates(string name)
    {
        Assert.False(InitSegment.Matches(name, []));
    }

    [Fact]
    public void Matches_TheTemplatesInitialization()
    {
        Assert.True(InitSegment.Matches("v-hd-init.cmfv", Custom));
    }

    [Fact]
    public void Matches_NotAMediaSegmentOfATemplate_EvenWhenItsNameLooksLikeAnInit()
    {
        Assert.False(InitSegment.Matches("v-hd-000001.cmfv", Custom));
        Assert.False(InitSegment.Matches("init-a-00042.cmfa", Custom));
    }
}
