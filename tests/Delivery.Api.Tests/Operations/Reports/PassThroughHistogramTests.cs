using CmafOrigin.Delivery.Reports;

namespace CmafOrigin.Delivery.Tests.Reports;

public sealed class PassThroughHistogramTests
{
    [Fact]
    public void Quantile_OfNothing_IsZero() =>
        Assert.Equal(0, PassThroughHistogram.Quantile(new long[PassThroughHistogram.BucketCount], 0.5));

    [Fact]
    public void Quantile_InterpolatesInsideTheBucketHoldingTheRank()
    {
        var histogram = new PassThroughHistogram();
        // 98 pieces in (1, 2] ms, 2 in (100, 200] ms.
        for (var i = 0; i < 98; i++)
        {
            histogram.Record(1.5);
        }

        histogram.Record(150);
        histogram.Record(150);
        var counts = new long[PassThroughHistogram.BucketCount];
        histogram.CopyTo(counts);

        Assert.InRange(PassThroughHistogram.Quantile(counts, 0.50), 1, 2);
        Assert.InRange(PassThroughHistogram.Quantile(counts, 0.99), 100, 200);
    }

    [Fact]
    public void Record_OnABucketBound_CountsInThatBucket()
    {
        var histogram = new PassThroughHistogram();
        histogram.Record(2);
        var counts = new long[PassThroughHistogram.BucketCount];
        histogram.CopyTo(counts);

        Assert.InRange(PassThroughHistogram.Quantile(counts, 1), 1, 2);
    }

    [Fact]
    public void Quantile_AboveTheHighestBound_IsTheHighestBound()
    {
        var histogram = new PassThroughHistogram();
        histogram.Record(60_000);
        var counts = new long[PassThroughHistogram.BucketCount];
        histogram.CopyTo(counts);

        Assert.Equal(5000, PassThroughHistogram.Quantile(counts, 0.99));
    }

    [Fact]
    public void Record_AllocatesNothing()
    {
        var histogram = new PassThroughHistogram();
        histogram.Record(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            histogram.Record(i % 300);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
