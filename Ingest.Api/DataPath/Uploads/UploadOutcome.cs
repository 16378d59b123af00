namespace CmafOrigin.Ingest.Uploads;

/// <summary>How an upload's body ended. Errors on the hot path are values, not exceptions.</summary>
internal enum UploadOutcome
{
    /// <summary>The whole body arrived.</summary>
    Completed,

    /// <summary>The encoder went away mid-body.</summary>
    ClientGone,

    /// <summary>The body's framing was broken (a bad chunk size, a missing CRLF, garbage in the trailers) or it ended before its declared end.</summary>
    Malformed,

    /// <summary>Nothing arrived for longer than the idle timeout.</summary>
    Stalled,

    /// <summary>The body grew past the maximum object size.</summary>
    TooLarge,

    /// <summary>The object was deleted while it was being uploaded.</summary>
    Deleted,

    /// <summary>Redis failed; the piece could not be stored.</summary>
    StorageFailed,
}
