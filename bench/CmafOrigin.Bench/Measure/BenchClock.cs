using System.Diagnostics;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// The one clock of a run: Stopwatch timestamps in this process (encoders and viewers alike), with one anchor to
/// Unix time so that the services' own timestamps (a stream entry's <c>t</c>, Unix µs) can be placed on it too.
/// </summary>
internal sealed class BenchClock
{
    private readonly long _anchorTimestamp;
    private readonly long _anchorUnixMicros;

    public BenchClock()
    {
        _anchorTimestamp = Stopwatch.GetTimestamp();
        _anchorUnixMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }

    public static long Now => Stopwatch.GetTimestamp();

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>A Unix µs time (the services' clock) as a timestamp of this clock.</summary>
    public long FromUnixMicros(long unixMicros) =>
        _anchorTimestamp + (long)((unixMicros - _anchorUnixMicros) * (Stopwatch.Frequency / 1e6));

    /// <summary>Waits until <paramref name="timestamp"/> (Task.Delay has about 1 ms of granularity; sends are timestamped when they happen, not when planned).</summary>
    public static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }
}
