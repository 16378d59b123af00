using System.Buffers.Binary;
using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Finalizing;

public sealed class InitSegmentPatcherTests(EncodedSource source) : IClassFixture<EncodedSource>
{
    private const uint Mehd = 0x6d656864;

    [Fact]
    public void TryPatch_InitThatHasAMehdAlready_ReplacesItRatherThanAddingASecond()
    {
        Assert.True(InitSegmentPatcher.TryPatch(source.Video.Init, 15360, 15360, out var once, out _));

        Assert.True(InitSegmentPatcher.TryPatch(once, 30720, 15360, out var twice, out var error), error);

        Assert.Equal(once.Length, twice.Length);
        Assert.True(Mp4Box.TryFindChild(twice, Mp4Box.Moov, out var moov));
        Assert.True(Mp4Box.TryFindChild(moov, Mp4Box.Mvex, out var mvex));
        var mehd = Assert.Single(Mp4Box.FindChildren(mvex, Mehd));
        Assert.Equal(2000UL, BinaryPrimitives.ReadUInt64BigEndian(mvex.Slice(mehd.Start + 4, 8)));
    }

    [Fact]
    public void TryPatch_DurationInTheTrackTimescale_IsRoundedUpToTheMovieTimescale()
    {
        // 48 001 / 48 000 s is 1000.02 ms: 1001 in mvhd's 1/1000 s, never a duration shorter than the media.
        Assert.True(InitSegmentPatcher.TryPatch(source.Audio.Init, 48001, 48000, out var patched, out _));

        Assert.True(Mp4Box.TryFindChild(patched, Mp4Box.Moov, out var moov));
        Assert.True(Mp4Box.TryFindChild(moov, 0x6d766864, out var mvhd)); // mvhd
        Assert.Equal(1001u, BinaryPrimitives.ReadUInt32BigEndian(mvhd[16..]));
    }

    [Fact]
    public void TryPatch_InitWithoutMovieHeader_IsRefused()
    {
        Assert.False(InitSegmentPatcher.TryPatch(CmafSample.Init(movieHeader: false), 1, 1, out _, out var error));

        Assert.Contains("moov/mvhd", error, StringComparison.Ordinal);
    }
}
