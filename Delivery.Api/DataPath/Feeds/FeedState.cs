namespace CmafOrigin.Delivery.Feeds;

internal enum FeedState
{
    /// <summary>The upload is still running: more chunks may come.</summary>
    Live,

    /// <summary>The end marker arrived: every chunk is in the feed.</summary>
    Complete,

    /// <summary>The upload broke, the object was deleted, or Redis failed: viewers must be aborted.</summary>
    Aborted,
}
