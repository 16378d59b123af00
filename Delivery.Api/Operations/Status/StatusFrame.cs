namespace CmafOrigin.Delivery.Status;

/// <summary>One snapshot as the bytes of a server-sent event, encoded once and written as is to every page.</summary>
/// <param name="Version">Increases with every snapshot; 0 before the first.</param>
internal sealed record StatusFrame(long Version, ReadOnlyMemory<byte> Event);
