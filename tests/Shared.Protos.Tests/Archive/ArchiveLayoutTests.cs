using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Contracts.Tests.Archive;

public sealed class ArchiveLayoutTests
{
    [Fact]
    public void ChannelDirectory_IsTheChannelsPathWithTheArchiveFolder_AndTheRootChannelUsesTheRoot()
    {
        var layout = new ArchiveLayout("/srv/archive");

        Assert.Equal("/srv/archive/live/demo/@archive", layout.ChannelDirectory("live/demo"));
        Assert.Equal("/srv/archive/@archive", layout.ChannelDirectory(string.Empty));
        Assert.Equal("/srv/archive/live/demo/@archive/20261202T101500Z", layout.RunDirectory("live/demo", "20261202T101500Z"));
    }

    [Theory]
    [InlineData("0", "0.mp4")]
    [InlineData("video_1080p-h264.v2", "video_1080p-h264.v2.mp4")]
    [InlineData("../x", "~2E.~2Fx.mp4")]
    [InlineData("a b", "a~20b.mp4")]
    [InlineData("", "~.mp4")]
    public void TrackFile_KeepsPlainIds_AndEscapesEverythingElse(string trackId, string file)
    {
        Assert.Equal(file, ArchiveLayout.TrackFile(trackId));
    }

    [Theory]
    [InlineData("20261202T101500Z", true)]
    [InlineData("20261202T101500Z-2", true)]
    [InlineData("20261202T101500Z-", false)]
    [InlineData("2026120xT101500Z", false)]
    [InlineData("..", false)]
    [InlineData("run.json", false)]
    public void IsRunId_AcceptsOnlyWhatRunIdMakes(string value, bool expected)
    {
        Assert.Equal(expected, ArchiveLayout.IsRunId(value));
    }

    [Fact]
    public void RunId_IsTheStartInUtc()
    {
        Assert.Equal("20261202T101500Z", ArchiveLayout.RunId(new DateTimeOffset(2026, 12, 2, 11, 15, 0, TimeSpan.FromHours(1))));
    }
}
