using System.Globalization;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// A histogram read from a service's Prometheus scrape (<c>/metrics</c>): the services' own view of where time goes
/// (Ingest: receive → on Redis; Delivery: Ingest received → written to a viewer). Two scrapes give the window between.
/// </summary>
internal sealed class PrometheusHistogram
{
    private PrometheusHistogram(IReadOnlyList<(double UpperBound, double Count)> buckets) => Buckets = buckets;

    /// <summary>Cumulative counts by upper bound, summed over every label set.</summary>
    public IReadOnlyList<(double UpperBound, double Count)> Buckets { get; }

    public double Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    /// <summary>The histogram named <paramref name="prefix"/>... (name mangling varies), or null when the service exposes none.</summary>
    public static async Task<PrometheusHistogram?> ScrapeAsync(HttpClient http, Uri service, string prefix, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(service, "/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        return Parse(text, prefix);
    }

    /// <summary>The histogram named <paramref name="prefix"/>... in a Prometheus text exposition, or null.</summary>
    public static PrometheusHistogram? Parse(string text, string prefix)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || !line.Contains("_bucket{", StringComparison.Ordinal))
            {
                continue;
            }

            var le = line.IndexOf("le=\"", StringComparison.Ordinal);
            if (le < 0)
            {
                continue;
            }

            var end = line.IndexOf('"', le + 4);
            var boundText = line[(le + 4)..end];
            var bound = boundText == "+Inf" ? double.PositiveInfinity : double.Parse(boundText, CultureInfo.InvariantCulture);
            var value = double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }

        return buckets.Count == 0 ? null : new PrometheusHistogram([.. buckets.Select(b => (b.Key, b.Value))]);
    }

    /// <summary>What was recorded after <paramref name="before"/>.</summary>
    public PrometheusHistogram Since(PrometheusHistogram? before) =>
        before is null
            ? this
            : new PrometheusHistogram([.. Buckets.Select(b => (b.UpperBound, b.Count - before.Buckets.FirstOrDefault(o => o.UpperBound == b.UpperBound).Count))]);

    /// <summary>The scrapes of several instances of one service, as one histogram (buckets by bound, summed); null when none had it.</summary>
    public static PrometheusHistogram? Sum(IEnumerable<PrometheusHistogram?> histograms)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var histogram in histograms.OfType<PrometheusHistogram>())
        {
            foreach (var (bound, count) in histogram.Buckets)
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + count;
            }
        }

        return buckets.Count == 0 ? null : new PrometheusHistogram([.. buckets.Select(b => (b.Key, b.Value))]);
    }

    /// <summary>The quantile, interpolated linearly inside its bucket (as Prometheus' histogram_quantile does).</summary>
    public double? Quantile(double q)
    {
        if (Count <= 0)
        {
            return null;
        }

        var rank = q * Count;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (upper, count) in Buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lowerBound;
                }

                var inBucket = count - lowerCount;
                return Math.Round(inBucket <= 0 ? upper : lowerBound + ((upper - lowerBound) * (rank - lowerCount) / inBucket), 3);
            }

            lowerBound = upper;
            lowerCount = count;
        }

        return lowerBound;
    }
}
