namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>What <see cref="RestoreScript"/> did with an init segment copy.</summary>
internal enum RestoreOutcome
{
    /// <summary>Redis had lost it: stored again.</summary>
    Restored,

    /// <summary>Redis has that version or a newer one: nothing written.</summary>
    Stored,

    /// <summary>The encoder deleted that version (or a newer one), through whichever Ingest: nothing written, the copy is to be dropped.</summary>
    Deleted,
}
