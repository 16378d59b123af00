namespace CmafOrigin.TestSupport;

/// <summary>One read of a <see cref="StreamingViewer"/> that returned bytes.</summary>
/// <param name="SinceRequest">Time from sending the GET to this read returning (monotonic clock).</param>
/// <param name="At">Wall-clock time of the read, comparable with the receive times Ingest stores on Redis.</param>
/// <param name="Bytes">How many bytes the read returned.</param>
public readonly record struct ViewerRead(TimeSpan SinceRequest, DateTimeOffset At, int Bytes);
