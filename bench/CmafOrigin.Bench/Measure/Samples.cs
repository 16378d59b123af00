namespace CmafOrigin.Bench.Measure;

/// <summary>Latency samples in milliseconds; percentiles by nearest rank over every sample (no bucketing).</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];
    private readonly Lock _gate = new();
    private double[]? _sorted;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_gate)
        {
            _values.Add(milliseconds);
            _sorted = null;
        }
    }

    public void AddRange(IEnumerable<double> milliseconds)
    {
        lock (_gate)
        {
            _values.AddRange(milliseconds);
            _sorted = null;
        }
    }

    /// <summary>The <paramref name="percent"/> percentile (nearest rank), or NaN without samples.</summary>
    public double Percentile(double percent)
    {
        var sorted = Sorted();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Max => Sorted() is { Length: > 0 } sorted ? sorted[^1] : double.NaN;

    public double Mean => Sorted() is { Length: > 0 } sorted ? sorted.Average() : double.NaN;

    public Summary Summarize() => new(Count, Round(Percentile(50)), Round(Percentile(90)), Round(Percentile(99)), Round(Percentile(99.9)), Round(Max));

    private double[] Sorted()
    {
        lock (_gate)
        {
            if (_sorted is null)
            {
                _sorted = [.. _values];
                Array.Sort(_sorted);
            }

            return _sorted;
        }
    }

    private static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 3);

    /// <summary>A distribution in the results (milliseconds).</summary>
    public sealed record Summary(int Samples, double? P50, double? P90, double? P99, double? P999, double? Max);
}
