using System.Buffers.Binary;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Bench.Recording;

/// <summary>
/// Moves a recorded segment along its track's media timeline: adds the same amount to every fragment's decode time
/// (<c>moof/traf/tfdt</c>) and to the media time of its producer reference (<c>prft</c>), on a copy; no size changes, so
/// chunk boundaries stay where the recording has them.
/// </summary>
/// <remarks>
/// The replay sends the recording's segments again and again under rising numbers. Unshifted, their decode times go
/// back at each lap, which a live encoder never does: the archive writer rightly takes it for an encoder restart and
/// ends its run.
/// </remarks>
internal static class DecodeTimeShift
{
    public static byte[] Apply(ReadOnlySpan<byte> segment, long shift)
    {
        var copy = segment.ToArray();
        var offset = 0;
        while (Mp4Box.TryReadHeader(copy.AsSpan(offset), out var type, out var size, out var header) && offset + size <= copy.Length)
        {
            var payload = copy.AsSpan(offset + header, (int)size - header);
            if (type == Mp4Box.Moof)
            {
                foreach (var (trafStart, trafLength) in Mp4Box.FindChildren(payload, Mp4Box.Traf))
                {
                    var traf = payload.Slice(trafStart, trafLength);
                    foreach (var (tfdtStart, tfdtLength) in Mp4Box.FindChildren(traf, Mp4Box.Tfdt))
                    {
                        // FullBox: version, flags, then baseMediaDecodeTime (64 bits in version 1, 32 in version 0).
                        var tfdt = traf.Slice(tfdtStart, tfdtLength);
                        AddTo(tfdt[4..], wide: tfdt[0] == 1, shift);
                    }
                }
            }
            else if (type == Mp4Box.Prft && payload.Length >= 20)
            {
                // FullBox, reference_track_ID (32), ntp_timestamp (64), then media_time (64 in version 1, 32 in version 0).
                AddTo(payload[16..], wide: payload[0] == 1, shift);
            }

            offset += (int)size;
        }

        return copy;
    }

    private static void AddTo(Span<byte> field, bool wide, long shift)
    {
        if (wide)
        {
            BinaryPrimitives.WriteUInt64BigEndian(field, checked(BinaryPrimitives.ReadUInt64BigEndian(field) + (ulong)shift));
            return;
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(field) + shift;
        BinaryPrimitives.WriteUInt32BigEndian(field, value <= uint.MaxValue ? (uint)value : throw new InvalidDataException("a 32-bit decode time overflows: record a shorter stream or replay fewer laps"));
    }
}
