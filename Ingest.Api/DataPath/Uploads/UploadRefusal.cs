namespace CmafOrigin.Ingest.Uploads;

/// <summary>Why an upload was not let in; decided before its body is read, so nothing is stored.</summary>
internal enum UploadRefusal
{
    /// <summary>Let in.</summary>
    None,

    /// <summary>Its channel has <see cref="IngestOptions.MaxUploadsPerChannel"/> uploads open: 429.</summary>
    ChannelBusy,

    /// <summary>This process has <see cref="IngestOptions.MaxUploads"/> uploads open: 503.</summary>
    ProcessBusy,

    /// <summary>This process is shutting down: 503, another instance (or this one restarted) takes the retry.</summary>
    ShuttingDown,
}
