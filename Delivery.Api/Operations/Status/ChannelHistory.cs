namespace CmafOrigin.Delivery.Status;

/// <summary>A channel's recent values for the page's charts, oldest first, one point per snapshot.</summary>
/// <param name="Gap">True where a point follows a gap (no snapshot for over two ticks: no page was open, or Redis
/// could not be read): the charts break the line there instead of drawing across what nobody measured.</param>
internal sealed record ChannelHistory(long[] At, double[] P50, double[] P99, int[] Viewers, long[] IngestBitrate, bool[] Gap);
