using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Commands;
using Google.Protobuf.WellKnownTypes;

namespace CmafOrigin.Originctl.Tests.Commands;

public sealed class WatchCommandTests
{
    [Fact]
    public void Line_OfACompletedSegment_ShowsTimeChannelKindTrackNumberPathAndSize()
    {
        var line = WatchCommand.Line(new ChannelEvent
        {
            Channel = "live/demo",
            Kind = ChannelEventKind.SegmentCompleted,
            Path = "live/demo/chunk-stream0-00042.m4s",
            Track = "0",
            SegmentNumber = 42,
            Size = 257_024,
            At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 23, 22, 31, 50, 123, TimeSpan.Zero)),
        });

        Assert.Equal("22:31:50.123  live/demo  segment-completed  track 0  #42  live/demo/chunk-stream0-00042.m4s  251.0 KiB", line);
    }

    [Fact]
    public void Line_OfAChannelEvent_HasNoSegmentParts()
    {
        var line = WatchCommand.Line(new ChannelEvent { Channel = "live/demo", Kind = ChannelEventKind.ChannelStarted });

        Assert.Equal("--:--:--.---  live/demo  channel-started", line);
    }

    [Theory]
    [InlineData("live/demo", "live/demo")]
    [InlineData("/live/demo/", "live/demo")]
    [InlineData("live/demo/out.mpd", "live/demo")]
    [InlineData("/", "/")]
    [InlineData("out.mpd", "/")]
    [InlineData("/out.mpd", "/")]
    [InlineData("", "")]
    public void ChannelNames_AcceptTheDirectoryOrTheManifest(string given, string expected) =>
        Assert.Equal(expected, ChannelNames.Normalize(given));
}
