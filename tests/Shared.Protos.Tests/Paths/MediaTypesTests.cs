using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Contracts.Tests.Paths;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("out.mpd", "application/dash+xml", ObjectKind.Manifest)]
    [InlineData("index.m3u8", "application/vnd.apple.mpegurl", ObjectKind.Manifest)]
    [InlineData("chunk-stream0-00001.m4s", "video/iso.segment", ObjectKind.Media)]
    [InlineData("init.mp4", "video/mp4", ObjectKind.Media)]
    [InlineData("seg.M4V", "video/mp4", ObjectKind.Media)]
    [InlineData("seg.cmfv", "video/mp4", ObjectKind.Media)]
    [InlineData("seg.m4a", "audio/mp4", ObjectKind.Media)]
    [InlineData("seg.cmfa", "audio/mp4", ObjectKind.Media)]
    [InlineData("seg.cmft", "application/mp4", ObjectKind.Media)]
    [InlineData("seg.cmfm", "application/mp4", ObjectKind.Media)]
    [InlineData("video.init", "video/mp4", ObjectKind.Media)]
    [InlineData("video.header", "video/mp4", ObjectKind.Media)]
    [InlineData("subs.vtt", "text/vtt", ObjectKind.Media)]
    public void TryGet_KnownExtension_GivesContentTypeAndKind(string name, string contentType, ObjectKind kind)
    {
        Assert.True(MediaTypes.TryGet(ObjectPath.Parse($"/live/{name}"), out var type, out var actualKind));
        Assert.Equal(contentType, type);
        Assert.Equal(kind, actualKind);
    }

    [Theory]
    [InlineData("x.exe")]
    [InlineData("x.html")]
    [InlineData("x.ts")]
    [InlineData("x")]
    public void TryGet_UnknownExtension_IsFalse(string name) =>
        Assert.False(MediaTypes.TryGet(ObjectPath.Parse($"/live/{name}"), out _, out _));
}
