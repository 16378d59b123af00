namespace CmafOrigin.Delivery.Tests.Archive;

/// <summary>A segment to archive: its name, number, version id (as Ingest gave it), bytes and media time.</summary>
public sealed record LiveSegment(string Name, long Number, string Version, byte[] Bytes, long DecodeTime, long Duration);
