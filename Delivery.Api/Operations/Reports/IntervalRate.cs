namespace CmafOrigin.Delivery.Reports;

/// <summary>
/// A count that only grows, turned into a rate per second over the interval since the previous reading (the first
/// interval starts when this is made), timed by the injected clock: the reporter reads it once per report.
/// </summary>
internal sealed class IntervalRate(TimeProvider time)
{
    private long _count;
    private long _at = time.GetTimestamp();

    /// <summary>The rate per second of <paramref name="count"/> since the last call; 0 when no time passed.</summary>
    public double Next(long count)
    {
        var now = time.GetTimestamp();
        var seconds = time.GetElapsedTime(_at, now).TotalSeconds;
        var rate = seconds > 0 ? (count - _count) / seconds : 0;
        (_count, _at) = (count, now);
        return rate;
    }
}
