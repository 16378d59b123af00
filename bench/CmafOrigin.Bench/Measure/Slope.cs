namespace CmafOrigin.Bench.Measure;

/// <summary>Least-squares slope of a series sampled over time: how fast something grows once warm-up is over.</summary>
internal static class Slope
{
    /// <summary>Slope of <paramref name="points"/> (x in hours, y in MB) in MB per hour; NaN with fewer than 2 distinct x.</summary>
    public static double PerHour(IReadOnlyList<(double Hours, double Value)> points)
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }

        var meanX = points.Average(p => p.Hours);
        var meanY = points.Average(p => p.Value);
        double covariance = 0, variance = 0;
        foreach (var (x, y) in points)
        {
            covariance += (x - meanX) * (y - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? double.NaN : covariance / variance;
    }
}
