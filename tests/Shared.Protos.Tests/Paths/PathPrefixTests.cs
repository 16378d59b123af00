using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Contracts.Tests.Paths;

public sealed class PathPrefixTests
{
    [Theory]
    [InlineData("live/studio-a/", "live/studio-a")]
    [InlineData("/live/studio-a", "live/studio-a")]
    [InlineData(" live/studio-a/ ", "live/studio-a")]
    [InlineData("/", "")]
    public void TryParse_Spellings_Normalise(string text, string value)
    {
        Assert.True(PathPrefix.TryParse(text, out var prefix, out var error), error);
        Assert.Equal(value, prefix.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("live/../admin")]
    [InlineData("live/%2e%2e")]
    [InlineData("live//a")]
    [InlineData("live\\a")]
    public void TryParse_EmptyOrNotAPath_IsRefused(string? text)
    {
        Assert.False(PathPrefix.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("live/studio-a", "/live/studio-a/out.mpd", true)]
    [InlineData("live/studio-a", "/live/studio-a/sub/chunk-stream0-00001.m4s", true)]
    [InlineData("live/studio-a/out.mpd", "/live/studio-a/out.mpd", true)]
    [InlineData("live/studio-a", "/live/studio-a2/out.mpd", false)]
    [InlineData("live/studio-a", "/live/studio-/out.mpd", false)]
    [InlineData("live/studio-a", "/live/out.mpd", false)]
    [InlineData("live/studio-a", "/Live/studio-a/out.mpd", false)]
    [InlineData("/", "/anything/at/all.m4s", true)]
    public void Covers_MatchesWholeSegments(string prefix, string path, bool covered)
    {
        Assert.Equal(covered, PathPrefix.Parse(prefix).Covers(ObjectPath.Parse(path)));
    }

    [Fact]
    public void ToString_IsHowItIsConfigured()
    {
        Assert.Equal("live/studio-a/", PathPrefix.Parse("live/studio-a").ToString());
        Assert.Equal("/", PathPrefix.Everything.ToString());
    }
}
