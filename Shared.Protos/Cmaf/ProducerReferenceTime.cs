using System.Buffers.Binary;

namespace CmafOrigin.Contracts.Cmaf;

/// <summary>A prft box: the wall clock at which the encoder had the sample at <paramref name="MediaTime"/>.</summary>
public readonly record struct ProducerReferenceTime(DateTimeOffset WallClock, long MediaTime)
{
    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads a prft payload: version/flags, reference track id, 64-bit NTP time, media time (32 or 64 bits).</summary>
    public static bool TryParse(ReadOnlySpan<byte> prft, out ProducerReferenceTime time)
    {
        time = default;
        var version = prft.Length > 0 ? prft[0] : 0;
        if (prft.Length < (version == 1 ? 24 : 20))
        {
            return false;
        }

        var ntp = BinaryPrimitives.ReadUInt64BigEndian(prft[8..]);
        var mediaTime = version == 1 ? (long)BinaryPrimitives.ReadUInt64BigEndian(prft[16..]) : BinaryPrimitives.ReadUInt32BigEndian(prft[16..]);
        var seconds = ntp >> 32;
        var fraction = (ntp & 0xFFFF_FFFF) / 4_294_967_296.0;
        time = new ProducerReferenceTime(NtpEpoch.AddTicks((long)((seconds + fraction) * TimeSpan.TicksPerSecond)), mediaTime);
        return true;
    }
}
