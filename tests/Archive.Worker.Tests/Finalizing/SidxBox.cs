using System.Buffers.Binary;

namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>A sidx box read back, as ISO/IEC 14496-12 8.16.3 lays it out, to check what the finalizer wrote.</summary>
internal sealed record SidxBox(uint ReferenceId, uint Timescale, ulong EarliestPresentationTime, ulong FirstOffset, IReadOnlyList<SidxReference> References)
{
    /// <summary>Reads the whole box (header included); throws when it is not a sidx or its size is not its length.</summary>
    public static SidxBox Parse(ReadOnlySpan<byte> box)
    {
        Assert.Equal((uint)box.Length, BinaryPrimitives.ReadUInt32BigEndian(box));
        Assert.Equal("sidx", System.Text.Encoding.ASCII.GetString(box[4..8]));
        var version = box[8];
        var at = 12;
        var referenceId = BinaryPrimitives.ReadUInt32BigEndian(box[at..]);
        var timescale = BinaryPrimitives.ReadUInt32BigEndian(box[(at + 4)..]);
        at += 8;
        ulong earliest, firstOffset;
        if (version == 1)
        {
            earliest = BinaryPrimitives.ReadUInt64BigEndian(box[at..]);
            firstOffset = BinaryPrimitives.ReadUInt64BigEndian(box[(at + 8)..]);
            at += 16;
        }
        else
        {
            earliest = BinaryPrimitives.ReadUInt32BigEndian(box[at..]);
            firstOffset = BinaryPrimitives.ReadUInt32BigEndian(box[(at + 4)..]);
            at += 8;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(box[(at + 2)..]);
        at += 4;
        Assert.Equal(box.Length, at + (count * 12));
        var references = new List<SidxReference>(count);
        for (var i = 0; i < count; i++, at += 12)
        {
            var typeAndSize = BinaryPrimitives.ReadUInt32BigEndian(box[at..]);
            var sap = BinaryPrimitives.ReadUInt32BigEndian(box[(at + 8)..]);
            references.Add(new SidxReference(
                (int)(typeAndSize >> 31),
                typeAndSize & 0x7FFF_FFFF,
                BinaryPrimitives.ReadUInt32BigEndian(box[(at + 4)..]),
                (sap >> 31) == 1,
                (int)((sap >> 28) & 0x7)));
        }

        return new SidxBox(referenceId, timescale, earliest, firstOffset, references);
    }
}
