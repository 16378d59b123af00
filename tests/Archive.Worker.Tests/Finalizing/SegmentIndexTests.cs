using CmafOrigin.Archive.Finalizing;

namespace CmafOrigin.Archive.Tests.Finalizing;

public sealed class SegmentIndexTests
{
    [Fact]
    public void TryBuild_MoreSegmentsThanA16BitReferenceCount_SharesReferencesBetweenConsecutiveSegments()
    {
        // 70 000 segments of 2 s are 39 hours: more than sidx's 65 535 references.
        var segments = Enumerable.Range(0, 70_000).Select(i => Segment(i, size: 1000 + (i % 7), duration: 30720)).ToList();

        var box = SegmentIndex.TryBuild(1, 15360, 0, segments, out var error);

        Assert.Null(error);
        var sidx = SidxBox.Parse(box);
        Assert.Equal(SegmentIndex.Length(segments.Count), box!.Length);
        Assert.Equal(35_000, sidx.References.Count);
        Assert.Equal(segments.Sum(s => s.Range.Length), sidx.References.Sum(r => (long)r.ReferencedSize));
        Assert.All(sidx.References, r => Assert.Equal(61440u, r.SubsegmentDuration));
    }

    [Fact]
    public void TryBuild_AReferenceLongerThan32Bits_FailsRatherThanWrap()
    {
        var box = SegmentIndex.TryBuild(1, 48000, 0, [Segment(0, 1000, (long)uint.MaxValue + 1)], out var error);

        Assert.Null(box);
        Assert.Contains("too large for one sidx reference", error, StringComparison.Ordinal);
    }

    private static FinalSegment Segment(int index, int size, long duration) =>
        new(new ByteRange(index * 1000L, size), index * duration, duration, duration / 15360.0, Independent: true);
}
