using System.Buffers.Binary;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// The sidx box of a final track file: what DASH's SegmentBase@indexRange points at and what lets ffmpeg and players
/// seek without reading every moof. Version 1 (64-bit earliest_presentation_time and first_offset), one reference per
/// segment, each a media subsegment (reference_type 0) starting with SAP type 1 when the segment is independent.
/// </summary>
internal static class SegmentIndex
{
    private const uint Sidx = 0x73696478;
    private const int HeaderLength = 8 + 4 + 4 + 4 + 8 + 8 + 2 + 2;
    private const int ReferenceLength = 12;

    /// <summary>reference_count is 16 bits: beyond this many segments, consecutive ones share a reference.</summary>
    private const int MaxReferences = ushort.MaxValue;

    /// <summary>How many segments each reference covers, so that there are at most 65535 references.</summary>
    public static int SegmentsPerReference(int segments) => Math.Max(1, (segments + MaxReferences - 1) / MaxReferences);

    public static int Length(int segments) => HeaderLength + (ReferenceLength * ((segments + SegmentsPerReference(segments) - 1) / SegmentsPerReference(segments)));

    /// <summary>
    /// The sidx of <paramref name="segments"/> (size, duration in <paramref name="timescale"/>, independent), which
    /// follow right after it; null with <paramref name="error"/> when a reference's size or duration does not fit its field.
    /// </summary>
    public static byte[]? TryBuild(uint trackId, uint timescale, long earliestTime, IReadOnlyList<FinalSegment> segments, out string? error)
    {
        var perReference = SegmentsPerReference(segments.Count);
        var references = (segments.Count + perReference - 1) / perReference;
        var box = new byte[HeaderLength + (ReferenceLength * references)];
        var span = box.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)box.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], Sidx);
        span[8] = 1; // version 1, flags 0
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], trackId);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], timescale);
        BinaryPrimitives.WriteUInt64BigEndian(span[20..], (ulong)earliestTime);
        BinaryPrimitives.WriteUInt64BigEndian(span[28..], 0); // first_offset: the first segment follows the sidx
        BinaryPrimitives.WriteUInt16BigEndian(span[38..], (ushort)references); // after 16 reserved bits

        for (var r = 0; r < references; r++)
        {
            long size = 0, duration = 0;
            var first = r * perReference;
            for (var i = first; i < Math.Min(first + perReference, segments.Count); i++)
            {
                size += segments[i].Range.Length;
                duration += segments[i].Duration;
            }

            if (size > int.MaxValue || duration > uint.MaxValue)
            {
                error = $"segments from {first} on are too large for one sidx reference ({size} bytes, {duration} ticks)";
                return null;
            }

            var reference = span[(HeaderLength + (r * ReferenceLength))..];
            BinaryPrimitives.WriteUInt32BigEndian(reference, (uint)size); // reference_type 0: media
            BinaryPrimitives.WriteUInt32BigEndian(reference[4..], (uint)duration);
            BinaryPrimitives.WriteUInt32BigEndian(reference[8..], segments[first].Independent ? 0x9000_0000u : 0u); // starts_with_SAP, SAP_type 1, delta 0
        }

        error = null;
        return box;
    }
}
