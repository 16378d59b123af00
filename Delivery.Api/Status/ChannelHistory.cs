namespace CmafOrigin.Delivery.Status;

/// <summary>A channel's recent values for the page's charts, oldest first, one point per snapshot.</summary>
internal sealed record ChannelHistory(long[] At, double[] P50, double[] P99, int[] Viewers, long[] IngestBitrate);
