namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>One segment of a media playlist: its EXTINF, its EXT-X-BYTERANGE (length, offset) and its URI.</summary>
internal sealed record HlsEntry(double Duration, long Length, long Offset, string Uri);
