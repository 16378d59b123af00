using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Contracts.Tests.Paths;

public sealed class ObjectPathTests
{
    [Theory]
    [InlineData("/live/demo/chunk-stream0-00042.m4s", "live/demo", "chunk-stream0-00042.m4s", ".m4s")]
    [InlineData("/out.mpd", "", "out.mpd", ".mpd")]
    [InlineData("/a/b/c/Init_Stream.CMFV?token=1", "a/b/c", "Init_Stream.CMFV", ".cmfv")]
    [InlineData("/live/demo/noextension", "live/demo", "noextension", "")]
    [InlineData("/live/demo/.hidden", "live/demo", ".hidden", "")]
    public void TryParse_ValidPath_SplitsChannelNameAndExtension(string raw, string channel, string name, string extension)
    {
        Assert.True(ObjectPath.TryParse(raw, out var path, out var error), error);
        Assert.Equal(channel, path.Channel);
        Assert.Equal(name, path.Name);
        Assert.Equal(extension, path.Extension);
        Assert.Equal(raw[1..].Split('?')[0], path.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("live/out.mpd")]
    [InlineData("/live/../out.mpd")]
    [InlineData("/live/./out.mpd")]
    [InlineData("/..")]
    [InlineData("/live/%2e%2e/out.mpd")]
    [InlineData("/live/%252e%252e/out.mpd")]
    [InlineData("/live\\..\\out.mpd")]
    [InlineData("/live//out.mpd")]
    [InlineData("/live/out.mpd/")]
    [InlineData("/live/out mpd")]
    [InlineData("/live/\0.mpd")]
    [InlineData("/live/caf\u00e9.mpd")]
    [InlineData("/live/{tag}.mpd")]
    [InlineData("/live/a:b.mpd")]
    public void TryParse_MalformedOrTraversingPath_IsRefusedWithAReason(string raw)
    {
        Assert.False(ObjectPath.TryParse(raw, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_EnforcesSegmentAndLengthLimits()
    {
        var sixteen = "/" + string.Join('/', Enumerable.Repeat("a", ObjectPath.MaxSegments));
        var seventeen = sixteen + "/a";
        var longest = "/" + new string('a', ObjectPath.MaxLength);

        Assert.True(ObjectPath.TryParse(sixteen, out _, out _));
        Assert.False(ObjectPath.TryParse(seventeen, out _, out _));
        Assert.True(ObjectPath.TryParse(longest, out _, out _));
        Assert.False(ObjectPath.TryParse(longest + "a", out _, out _));
    }
}
