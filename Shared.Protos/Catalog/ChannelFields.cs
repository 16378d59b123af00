namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// Fields of a channel's hash (<see cref="Storage.ObjectKeys.Channel"/>) and of its activity stream's entries,
/// written by Ingest's scripts and read by <see cref="ChannelCatalogReader"/>.
/// </summary>
public static class ChannelFields
{
    /// <summary><see cref="Live"/> or <see cref="Ended"/>; ended when the manifest went static or was deleted.</summary>
    public const string State = "state";

    /// <summary>When the channel (re)started, Unix ms: set once per run of an encoder.</summary>
    public const string StartedAt = "started";

    /// <summary>Last upload begun, completed or aborted, Unix ms.</summary>
    public const string LastActivityAt = "activity";

    /// <summary>When the channel ended, Unix ms; absent while live.</summary>
    public const string EndedAt = "ended";

    /// <summary>Path of the channel's manifest (its MPD when it has one).</summary>
    public const string Manifest = "manifest";

    /// <summary>The manifest's segment templates (<see cref="SegmentTemplate.Serialize"/>): how names map to tracks.</summary>
    public const string Templates = "templates";

    /// <summary>Highest segment number started on any track.</summary>
    public const string LatestSegment = "latest";

    /// <summary>Prefix of one field per track: <c>seg:0</c> = highest segment number started on track 0.</summary>
    public const string TrackSegmentPrefix = "seg:";

    /// <summary>Uploads begun and not yet completed or aborted (Ingest's bookkeeping for the keys' expiry).</summary>
    public const string OpenUploads = "open";

    /// <summary>Unix ms until which the channel's completed or aborted objects are retained (Ingest's bookkeeping).</summary>
    public const string KeepUntil = "keep";

    /// <summary>Object paths of the channel (Ingest's bookkeeping: the channel's keys go with its last object).</summary>
    public const string Objects = "objects";

    /// <summary>
    /// Prefix of one field per init segment: <c>init:init-stream0.m4s</c> = its current completed version. Each
    /// completion in the channel extends the recorded versions' retention (Ingest's bookkeeping).
    /// </summary>
    public const string InitSegmentPrefix = "init:";

    public const string Live = "live";
    public const string Ended = "ended";

    /// <summary>The one field of an activity stream entry: a serialized ChannelEvent.</summary>
    public const string Event = "e";
}
