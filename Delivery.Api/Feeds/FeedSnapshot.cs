namespace CmafOrigin.Delivery.Feeds;

/// <summary>What a viewer sees of a feed at one instant: how many chunks, the state, and a task that completes on the next change.</summary>
internal readonly record struct FeedSnapshot(int Count, FeedState State, Task Changed);
