namespace CmafOrigin.Delivery.Status;

/// <summary>The last <c>capacity</c> points of one channel's charts, kept between snapshots by the one <see cref="StatusFeed"/>.</summary>
/// <param name="gapMilliseconds">A point further than this from the one before follows a gap: no snapshot was built in between.</param>
internal sealed class ChannelSeries(int capacity, long gapMilliseconds)
{
    private readonly Queue<(long At, double P50, double P99, int Viewers, long Bitrate, bool AfterGap)> _points = new(capacity);
    private long _last = long.MinValue;

    public ChannelHistory Add(long at, double p50, double p99, int viewers, long bitrate)
    {
        if (_points.Count == capacity)
        {
            _points.Dequeue();
        }

        // Nothing is known of the time in between: the charts must not join the two points as if it were.
        var afterGap = _points.Count > 0 && at - _last > gapMilliseconds;
        _last = at;
        _points.Enqueue((at, p50, p99, viewers, bitrate, afterGap));
        return new ChannelHistory(
            [.. _points.Select(p => p.At)],
            [.. _points.Select(p => p.P50)],
            [.. _points.Select(p => p.P99)],
            [.. _points.Select(p => p.Viewers)],
            [.. _points.Select(p => p.Bitrate)],
            [.. _points.Select(p => p.AfterGap)]);
    }
}
