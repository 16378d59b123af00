using CmafOrigin.Delivery.Reports;
using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.Delivery.Tests.Reports;

public sealed class IntervalRateTests
{
    [Fact]
    public void Next_IsTheGrowthPerSecondSinceThePreviousReading()
    {
        var time = new FakeTimeProvider();
        var rate = new IntervalRate(time);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10, rate.Next(20));

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(8, rate.Next(24));

        // Nothing new in the interval: zero, not the average since the start.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rate.Next(24));
    }

    [Fact]
    public void Next_WithNoTimePassed_IsZero() => Assert.Equal(0, new IntervalRate(new FakeTimeProvider()).Next(5));
}
