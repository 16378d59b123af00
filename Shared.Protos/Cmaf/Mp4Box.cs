using System.Buffers.Binary;

namespace CmafOrigin.Contracts.Cmaf;

/// <summary>ISO-BMFF box headers: 32-bit size and type, a 64-bit <c>largesize</c> when size is 1.</summary>
public static class Mp4Box
{
    public const uint Ftyp = 0x66747970;
    public const uint Moov = 0x6d6f6f76;
    public const uint Trak = 0x7472616b;
    public const uint Tkhd = 0x746b6864;
    public const uint Mdia = 0x6d646961;
    public const uint Mdhd = 0x6d646864;
    public const uint Mvex = 0x6d766578;
    public const uint Trex = 0x74726578;
    public const uint Styp = 0x73747970;
    public const uint Prft = 0x70726674;
    public const uint Moof = 0x6d6f6f66;
    public const uint Traf = 0x74726166;
    public const uint Tfhd = 0x74666864;
    public const uint Tfdt = 0x74666474;
    public const uint Trun = 0x7472756e;
    public const uint Mdat = 0x6d646174;

    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>. False when it is not all there yet
    /// (<paramref name="headerLength"/> is 0) or is invalid (<paramref name="headerLength"/> is -1: a size smaller
    /// than its header, or 0, "to the end of the file", which a live upload cannot promise).
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out uint type, out long size, out int headerLength)
    {
        type = 0;
        size = 0;
        headerLength = 0;
        if (data.Length < 8)
        {
            return false;
        }

        size = BinaryPrimitives.ReadUInt32BigEndian(data);
        type = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (size == 1)
        {
            if (data.Length < 16)
            {
                return false;
            }

            var large = BinaryPrimitives.ReadUInt64BigEndian(data[8..]);
            size = large > long.MaxValue ? -1 : (long)large;
            headerLength = size >= 16 ? 16 : -1;
            return headerLength > 0;
        }

        headerLength = size >= 8 ? 8 : -1;
        return headerLength > 0;
    }

    /// <summary>The children of a container's payload, each as (type, payload); stops at the first malformed one.</summary>
    public static bool TryFindChild(ReadOnlySpan<byte> payload, uint wanted, out ReadOnlySpan<byte> child)
    {
        child = default;
        while (TryReadHeader(payload, out var type, out var size, out var header))
        {
            if (size > payload.Length)
            {
                return false;
            }

            if (type == wanted)
            {
                child = payload[header..(int)size];
                return true;
            }

            payload = payload[(int)size..];
        }

        return false;
    }

    /// <summary>Every child of <paramref name="payload"/> with type <paramref name="wanted"/>.</summary>
    public static List<(int Start, int Length)> FindChildren(ReadOnlySpan<byte> payload, uint wanted)
    {
        var found = new List<(int, int)>();
        var offset = 0;
        while (TryReadHeader(payload[offset..], out var type, out var size, out var header) && offset + size <= payload.Length)
        {
            if (type == wanted)
            {
                found.Add((offset + header, (int)size - header));
            }

            offset += (int)size;
        }

        return found;
    }
}
