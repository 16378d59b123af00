namespace CmafOrigin.Delivery.Reports;

/// <summary>
/// What this instance delivers of one channel, counted on the viewer path without locks or allocation: a viewer
/// takes its channel's tally once per request, then each chunk costs a few interlocked adds. A channel's tally also
/// counts into the instance's <paramref name="total"/>.
/// </summary>
internal sealed class ChannelTally(string channel, ChannelTally? total = null)
{
    private int _viewers;
    private int _peakViewers;
    private long _deliveredBytes;
    private int _retired;

    public string Channel { get; } = channel;

    public PassThroughHistogram PassThrough { get; } = new();

    /// <summary>Responses open now.</summary>
    public int Viewers => Volatile.Read(ref _viewers);

    /// <summary>Bytes written to viewers since this tally was created.</summary>
    public long DeliveredBytes => Interlocked.Read(ref _deliveredBytes);

    /// <summary>Reports' state, kept by the reporter alone: the histogram counts at the last report, and idle reports since.</summary>
    internal long[] ReportedCounts { get; } = new long[PassThroughHistogram.BucketCount];

    internal long ReportedBytes { get; set; }

    internal int IdleReports { get; set; }

    /// <summary>Counts a viewer in; false when the reporter has just retired this tally (take a fresh one).</summary>
    public bool TryAddViewer()
    {
        if (!CountViewer())
        {
            return false;
        }

        total?.CountViewer();
        return true;
    }

    public void RemoveViewer()
    {
        Interlocked.Decrement(ref _viewers);
        total?.RemoveViewer();
    }

    public void Delivered(long bytes)
    {
        Interlocked.Add(ref _deliveredBytes, bytes);
        total?.Delivered(bytes);
    }

    /// <summary>The most responses open at once since the last call (at least those open now), for one report.</summary>
    public int TakePeakViewers()
    {
        var now = Viewers;
        return Math.Max(now, Interlocked.Exchange(ref _peakViewers, now));
    }

    /// <summary>Marks an idle tally retired unless a viewer arrived meanwhile; true when it may be dropped.</summary>
    public bool TryRetire()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Interlocked.CompareExchange(ref _viewers, 0, 0) == 0)
        {
            return true;
        }

        Interlocked.Exchange(ref _retired, 0);
        return false;
    }

    private bool CountViewer()
    {
        // Interlocked on both sides (here and in TryRetire) orders the two accesses: either this viewer sees
        // the tally retired, or the reporter sees the viewer and keeps it.
        var viewers = Interlocked.Increment(ref _viewers);
        if (Volatile.Read(ref _retired) != 0)
        {
            Interlocked.Decrement(ref _viewers);
            return false;
        }

        var peak = Volatile.Read(ref _peakViewers);
        while (viewers > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakViewers, viewers, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }

        return true;
    }
}
