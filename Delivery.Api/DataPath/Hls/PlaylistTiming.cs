namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// The channel-wide numbers every media playlist states: the target duration and the part target, derived only from
/// the parts listed (so every Delivery instance states the same), and the server-control values that follow from them.
/// </summary>
internal readonly record struct PlaylistTiming(int TargetDuration, double PartTarget)
{
    /// <summary>Parts are held back 3 part targets from the live edge, as RFC 8216bis recommends (2 at least).</summary>
    public double PartHoldBack => Math.Round(3 * PartTarget, 3);

    /// <summary>Delta updates may skip what is more than 6 target durations back, the smallest the RFC allows.</summary>
    public double CanSkipUntil => 6.0 * TargetDuration;

    /// <summary>How long a blocking request may wait before 503, and how far back parts stay listed.</summary>
    public TimeSpan BlockingLimit => TimeSpan.FromSeconds(3 * TargetDuration);

    public static PlaylistTiming For(IReadOnlyList<RenditionSnapshot> renditions)
    {
        double longestPart = 0, longestSegment = 0, nominal = 0;
        foreach (var rendition in renditions)
        {
            var timescale = (double)rendition.Track.Timescale;
            nominal = Math.Max(nominal, rendition.Rendition.NominalSegmentSeconds);
            foreach (var segment in rendition.Segments)
            {
                if (segment.Complete)
                {
                    longestSegment = Math.Max(longestSegment, segment.Duration / timescale);
                }

                foreach (var part in segment.Parts)
                {
                    longestPart = Math.Max(longestPart, part.Duration / timescale);
                }
            }
        }

        // EXTINF rounded to the nearest integer must not exceed the target duration; the part target is rounded up to
        // the millisecond, so that no part is longer than it once printed.
        var target = (int)Math.Max(1, Math.Max(Math.Round(longestSegment, MidpointRounding.AwayFromZero), Math.Round(nominal, MidpointRounding.AwayFromZero)));
        var partTarget = longestPart > 0 ? Math.Ceiling(longestPart * 1000 - 1e-6) / 1000 : Math.Min(1, target);
        return new PlaylistTiming(target, partTarget);
    }
}
