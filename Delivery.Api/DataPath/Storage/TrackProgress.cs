namespace CmafOrigin.Delivery.Storage;

/// <summary>Where a channel's current run stands on one track, from the channel hash Ingest keeps.</summary>
/// <param name="ChannelStarted">When the channel (re)started: its current encoder run began; null when the hash is gone.</param>
/// <param name="LatestSegment">The highest segment number started on the track in this run; null before any.</param>
internal sealed record TrackProgress(DateTimeOffset? ChannelStarted, long? LatestSegment);
