namespace CmafOrigin.Contracts.Storage;

/// <summary>Field names of a version's meta hash and of the entries on its chunk stream.</summary>
public static class ObjectFields
{
    // Meta hash.
    public const string ContentType = "type";
    public const string State = "state";
    public const string Size = "size";
    public const string Chunks = "chunks";
    public const string CreatedAt = "created";
    public const string UpdatedAt = "updated";
    public const string Previous = "prev";
    public const string TraceParent = "trace";

    /// <summary>
    /// Milliseconds of silence after which the writing Ingest aborts the upload itself (its <c>Ingest:IdleTimeout</c>):
    /// a version silent for longer has no live writer, which is how Delivery tells an Ingest that died mid-upload.
    /// </summary>
    public const string IdleTimeout = "idle";

    // Chunk stream entries: a piece of the body with the time Ingest received it (Unix microseconds),
    // or exactly one terminal marker. Short names because they repeat on every entry.
    public const string Data = "d";
    public const string ReceivedAt = "t";
    public const string End = "end";
    public const string Abort = "abort";
}

/// <summary>The life of one object version.</summary>
public enum ObjectState
{
    Uploading,
    Complete,
    Aborted,
}

public static class ObjectStates
{
    public const string Uploading = "uploading";
    public const string Complete = "complete";
    public const string Aborted = "aborted";

    public static bool TryParse(string? value, out ObjectState state)
    {
        switch (value)
        {
            case Uploading: state = ObjectState.Uploading; return true;
            case Complete: state = ObjectState.Complete; return true;
            case Aborted: state = ObjectState.Aborted; return true;
            default: state = default; return false;
        }
    }
}
