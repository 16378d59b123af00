namespace CmafOrigin.Delivery.Feeds;

/// <summary>What a viewer sees of a feed at one instant: how many chunks, the state, and a task that completes on the next change.</summary>
/// <param name="Chunks">The feed's chunk array at that instant: every index below <paramref name="Count"/> is written once and never changes, so viewers read it without the feed's lock.</param>
internal readonly record struct FeedSnapshot(int Count, FeedState State, Task Changed, FeedChunk[] Chunks);
