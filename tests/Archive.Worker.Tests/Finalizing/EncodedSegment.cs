namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>One media segment file ffmpeg wrote, as uploaded, with what its moofs say.</summary>
public sealed record EncodedSegment(string Name, long Number, byte[] Bytes, long DecodeTime, long Duration, bool Independent);
