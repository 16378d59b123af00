namespace CmafOrigin.Delivery.Archive;

/// <summary>One track of a run in the archive listing.</summary>
/// <param name="Id">Representation@id.</param>
/// <param name="ContentType"><c>video</c>, <c>audio</c> or <c>text</c>.</param>
/// <param name="Url">The absolute path of the track's fragmented MP4; null while the run is live.</param>
/// <param name="Bytes">Bytes archived so far (the final file's size once final).</param>
internal sealed record ArchiveTrackEntry(string Id, string ContentType, string? Url, long Bytes);
