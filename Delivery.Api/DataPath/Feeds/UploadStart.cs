namespace CmafOrigin.Delivery.Feeds;

/// <summary>
/// An upload that started: when this process heard of it (a <see cref="TimeProvider.GetTimestamp"/> of the injected clock)
/// and the version its STARTED event names, so a waiting viewer binds to it without first asking Redis which is current.
/// </summary>
internal readonly record struct UploadStart(long SignalledAt, string Version);
