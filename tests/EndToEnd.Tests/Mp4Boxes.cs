using System.Buffers.Binary;
using System.Text;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>Reads the top-level ISO BMFF boxes of a segment: enough to tell a real CMAF segment from a truncated or shifted one.</summary>
internal static class Mp4Boxes
{
    /// <summary>The top-level boxes (4CC and size) of <paramref name="bytes"/>; throws if they do not tile it exactly.</summary>
    public static IReadOnlyList<(string Type, long Size)> TopLevel(ReadOnlySpan<byte> bytes)
    {
        var boxes = new List<(string, long)>();
        var offset = 0L;
        while (offset < bytes.Length)
        {
            var rest = bytes[(int)offset..];
            if (rest.Length < 8)
            {
                throw new FormatException($"{rest.Length} bytes left at offset {offset}, too few for a box header");
            }

            long size = BinaryPrimitives.ReadUInt32BigEndian(rest);
            var type = Encoding.ASCII.GetString(rest[4..8]);
            if (size == 1)
            {
                // 64-bit largesize follows the type.
                size = rest.Length >= 16 ? (long)BinaryPrimitives.ReadUInt64BigEndian(rest[8..]) : 0;
            }
            else if (size == 0)
            {
                // The box extends to the end.
                size = rest.Length;
            }

            if (size < 8 || size > rest.Length)
            {
                throw new FormatException($"box '{type}' at offset {offset} has size {size}, but {rest.Length} bytes are left");
            }

            boxes.Add((type, size));
            offset += size;
        }

        return boxes;
    }
}
