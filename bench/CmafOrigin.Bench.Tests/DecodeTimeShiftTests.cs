using System.Buffers.Binary;
using System.Text;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Tests;

/// <summary>The replay's second and later laps: decode times moved on, every other byte as recorded.</summary>
public sealed class DecodeTimeShiftTests
{
    [Fact]
    public void Apply_EveryTfdtAndPrft_MovesByTheShiftInEitherVersion()
    {
        byte[] segment =
        [
            .. Box("styp", new byte[8]),
            .. FullBox("prft", version: 1, [.. UInt32(1), .. UInt64(0xDEAD_BEEF), .. UInt64(9_000)]),
            .. Box("moof", [.. FullBox("mfhd", 0, UInt32(7)), .. Box("traf", [.. FullBox("tfhd", 0, UInt32(1)), .. FullBox("tfdt", version: 1, UInt64(9_000))])]),
            .. Box("mdat", new byte[5]),
            .. Box("moof", [.. FullBox("mfhd", 0, UInt32(8)), .. Box("traf", [.. FullBox("tfhd", 0, UInt32(1)), .. FullBox("tfdt", version: 0, UInt32(9_500))])]),
            .. Box("mdat", new byte[5]),
        ];

        var shifted = DecodeTimeShift.Apply(segment, 26_000);

        Assert.Equal([35_000UL, 35_000UL, 35_500UL], [ReadAt(shifted, "prft", 16, wide: true), ReadAt(shifted, "tfdt", 4, wide: true), ReadAt(shifted, "tfdt", 4, wide: false, skip: 1)]);
        // Nothing else moved: not the sizes, the sequence numbers, the prft's wall clock or the media data.
        var fields = new[] { (IndexOf(segment, "prft") + 24, 8), (IndexOf(segment, "tfdt") + 12, 8), (IndexOf(segment, "tfdt", 1) + 12, 4) };
        var changed = Enumerable.Range(0, segment.Length).Where(i => segment[i] != shifted[i]);
        Assert.Equal(segment.Length, shifted.Length);
        Assert.All(changed, i => Assert.Contains(fields, f => i >= f.Item1 && i < f.Item1 + f.Item2));
    }

    [Fact]
    public void Apply_ThirtyTwoBitOverflow_Throws()
    {
        var segment = Box("moof", Box("traf", FullBox("tfdt", version: 0, UInt32(uint.MaxValue - 1))));

        Assert.Throws<InvalidDataException>(() => DecodeTimeShift.Apply(segment, 2));
    }

    private static ulong ReadAt(byte[] bytes, string type, int payloadOffset, bool wide, int skip = 0)
    {
        var at = IndexOf(bytes, type, skip) + 8 + payloadOffset;
        return wide ? BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
    }

    /// <summary>Where the box of <paramref name="type"/> starts (its size field), the <paramref name="skip"/>-th after the first.</summary>
    private static int IndexOf(byte[] bytes, string type, int skip = 0)
    {
        var from = 0;
        while (true)
        {
            var at = bytes.AsSpan(from).IndexOf(Encoding.ASCII.GetBytes(type)) + from;
            if (skip-- == 0)
            {
                return at - 4;
            }

            from = at + 4;
        }
    }

    private static byte[] Box(string type, byte[] payload)
    {
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    private static byte[] FullBox(string type, byte version, byte[] payload) => Box(type, [version, 0, 0, 0, .. payload]);

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
