using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Ingest.Channels;

namespace CmafOrigin.Ingest.Tests.Channels;

public sealed class SegmentNameTests
{
    [Theory]
    [InlineData("chunk-stream0-00042.m4s", "0", 42L)]
    [InlineData("chunk-stream12-00001.m4s", "12", 1L)]
    [InlineData("chunk-stream1-123456789.m4s", "1", 123456789L)]
    [InlineData("init-stream0.m4s", "0", 0L)]
    [InlineData("init-stream3.mp4", "3", 0L)]
    public void TryParse_FfmpegDefaultNames(string name, string track, long number)
    {
        Assert.True(SegmentName.TryParse(name, [], out var segment));
        Assert.Equal(new SegmentName(track, number), segment);
    }

    [Theory]
    [InlineData("out.mpd")]
    [InlineData("chunk-stream0-.m4s")]
    [InlineData("chunk-stream0-0x12.m4s")]
    [InlineData("chunk-stream-00001.m4s")]
    [InlineData("init-stream.m4s")]
    [InlineData("segment_00001.m4s")]
    [InlineData("chunk-stream0-9999999999999999999999.m4s")]
    public void TryParse_NamesWithoutATrackAndNumber_AreNot(string name)
    {
        Assert.False(SegmentName.TryParse(name, [], out _));
    }

    [Fact]
    public void TryParse_TheManifestsTemplates_WinOverFfmpegsNames()
    {
        SegmentTemplate[] templates =
        [
            new("video-hd", "v-hd-init.cmfv", null),
            new("video-hd", "v-hd-", ".cmfv"),
            new("a", "chunk-stream", "-x.m4s"),
        ];

        Assert.True(SegmentName.TryParse("v-hd-000123.cmfv", templates, out var media));
        Assert.True(SegmentName.TryParse("v-hd-init.cmfv", templates, out var init));
        Assert.True(SegmentName.TryParse("chunk-stream0-00007.m4s", templates, out var fallback));

        Assert.Equal(new SegmentName("video-hd", 123), media);
        Assert.Equal(new SegmentName("video-hd", 0), init);
        Assert.Equal(new SegmentName("0", 7), fallback);
    }
}
