namespace CmafOrigin.Delivery.Feeds;

/// <summary>A chunk held by a feed for its viewers, with when Ingest received it (Unix µs).</summary>
internal readonly record struct FeedChunk(ReadOnlyMemory<byte> Data, long ReceivedAt);
