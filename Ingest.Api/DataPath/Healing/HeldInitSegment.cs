using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Ingest.Healing;

/// <summary>An init segment this process received, as it was stored: enough to store it again, identically.</summary>
/// <param name="Path">Where it lives.</param>
/// <param name="Version">The version id it was stored as; kept, so a copy put back is the same version, not a new one.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Body">Its bytes (a few KB for an ffmpeg init segment).</param>
/// <param name="ReceivedAt">When its upload ended.</param>
internal sealed record HeldInitSegment(ObjectPath Path, string Version, string ContentType, ReadOnlyMemory<byte> Body, DateTimeOffset ReceivedAt);
