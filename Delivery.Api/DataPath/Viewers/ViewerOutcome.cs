namespace CmafOrigin.Delivery.Viewers;

/// <summary>How a response to a viewer ended.</summary>
internal enum ViewerOutcome
{
    /// <summary>Every byte of the version was sent.</summary>
    Completed,

    /// <summary>The viewer went away.</summary>
    ViewerGone,

    /// <summary>The upload aborted: the response must be aborted too.</summary>
    UploadAborted,

    /// <summary>The version disappeared (deleted or expired) before it could be sent.</summary>
    Gone,

    /// <summary>The viewer took no write for <see cref="DeliveryOptions.ViewerWriteTimeout"/>: it cannot keep up and is cut off.</summary>
    TooSlow,
}
