namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>What <see cref="AppendScript"/> did with a piece.</summary>
internal enum AppendResult
{
    Stored,

    /// <summary>The version was deleted or aborted meanwhile.</summary>
    NotUploading,

    /// <summary>The version does not end where the piece starts: a piece before it is not stored (yet).</summary>
    NotAtItsOffset,
}
