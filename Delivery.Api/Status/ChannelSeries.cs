namespace CmafOrigin.Delivery.Status;

/// <summary>The last <c>capacity</c> points of one channel's charts, kept between snapshots by the one <see cref="StatusFeed"/>.</summary>
internal sealed class ChannelSeries(int capacity)
{
    private readonly Queue<(long At, double P50, double P99, int Viewers, long Bitrate)> _points = new(capacity);

    public ChannelHistory Add(long at, double p50, double p99, int viewers, long bitrate)
    {
        if (_points.Count == capacity)
        {
            _points.Dequeue();
        }

        _points.Enqueue((at, p50, p99, viewers, bitrate));
        return new ChannelHistory(
            [.. _points.Select(p => p.At)],
            [.. _points.Select(p => p.P50)],
            [.. _points.Select(p => p.P99)],
            [.. _points.Select(p => p.Viewers)],
            [.. _points.Select(p => p.Bitrate)]);
    }
}
