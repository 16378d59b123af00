using CmafOrigin.Delivery.Telemetry;

namespace CmafOrigin.Delivery.Reports;

/// <summary>
/// Pass-through latencies in the fixed buckets of the <c>cmaforigin.delivery.passthrough</c> histogram, counted
/// lock-free and without allocating: one <see cref="Interlocked.Increment(ref long)"/> per chunk. The counts only
/// grow; the reporter takes the difference between two reads to get one interval's distribution.
/// </summary>
internal sealed class PassThroughHistogram
{
    private static readonly double[] Bounds = DeliveryMetrics.LatencyBuckets;

    /// <summary>One count per bucket, plus the last for anything above the highest bound.</summary>
    private readonly long[] _counts = new long[Bounds.Length + 1];

    public static int BucketCount => Bounds.Length + 1;

    public void Record(double milliseconds)
    {
        // Buckets are upper-inclusive, like OpenTelemetry's explicit buckets.
        var bucket = Array.BinarySearch(Bounds, milliseconds);
        Interlocked.Increment(ref _counts[bucket >= 0 ? bucket : ~bucket]);
    }

    /// <summary>Copies the counts so far into <paramref name="into"/> (of <see cref="BucketCount"/> elements).</summary>
    public void CopyTo(Span<long> into)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            into[i] = Volatile.Read(ref _counts[i]);
        }
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of the distribution <paramref name="counts"/>, interpolated linearly inside
    /// its bucket; 0 when nothing was counted. Above the highest bound the highest bound is the answer.
    /// </summary>
    public static double Quantile(ReadOnlySpan<long> counts, double quantile)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0 || below + counts[i] < rank)
            {
                below += counts[i];
                continue;
            }

            if (i == Bounds.Length)
            {
                return Bounds[^1];
            }

            var lower = i == 0 ? 0 : Bounds[i - 1];
            var within = Math.Clamp((rank - below) / counts[i], 0, 1);
            return lower + ((Bounds[i] - lower) * within);
        }

        return Bounds[^1];
    }
}
