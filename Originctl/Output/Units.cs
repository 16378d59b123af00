using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace CmafOrigin.Originctl.Output;

/// <summary>Numbers as an operator reads them: bit rates, byte sizes, times and ages.</summary>
internal static class Units
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string BitRate(long bitsPerSecond) => bitsPerSecond switch
    {
        >= 1_000_000 => string.Create(Invariant, $"{bitsPerSecond / 1e6:0.00} Mb/s"),
        >= 1_000 => string.Create(Invariant, $"{bitsPerSecond / 1e3:0} kb/s"),
        _ => string.Create(Invariant, $"{bitsPerSecond} b/s"),
    };

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(Invariant, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(Invariant, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(Invariant, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => string.Create(Invariant, $"{bytes} B"),
    };

    public static string Milliseconds(double milliseconds) => string.Create(Invariant, $"{milliseconds:0.0} ms");

    public static string Number(long value) => value.ToString(Invariant);

    /// <summary>Events per second, to a tenth: <c>12.5</c>.</summary>
    public static string Rate(double perSecond) => string.Create(Invariant, $"{perSecond:0.0}");

    /// <summary>UTC, to the second: <c>2026-11-23 22:31:50Z</c>; <c>-</c> when unset.</summary>
    public static string Time(Timestamp? at) =>
        at is null ? "-" : at.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", Invariant);

    /// <summary>How long before <paramref name="now"/>: <c>0.4 s ago</c>, <c>3 min ago</c>; <c>-</c> when unset.</summary>
    public static string Ago(Timestamp? at, DateTimeOffset now)
    {
        if (at is null)
        {
            return "-";
        }

        var age = now - at.ToDateTimeOffset();
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age switch
        {
            { TotalSeconds: < 10 } => string.Create(Invariant, $"{age.TotalSeconds:0.0} s ago"),
            { TotalMinutes: < 2 } => string.Create(Invariant, $"{age.TotalSeconds:0} s ago"),
            { TotalHours: < 2 } => string.Create(Invariant, $"{age.TotalMinutes:0} min ago"),
            _ => string.Create(Invariant, $"{age.TotalHours:0} h ago"),
        };
    }
}
