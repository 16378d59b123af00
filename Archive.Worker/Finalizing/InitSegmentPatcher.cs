using System.Buffers.Binary;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// Gives a live init segment the duration of the finished file. A live encoder leaves moov/mvhd's duration at 0 and
/// writes no mvex/mehd, and ffprobe, ffmpeg and VLC take a fragmented MP4's duration from those two. Every other byte
/// is kept; only the sizes of the boxes that enclose a new or grown mehd change.
/// </summary>
internal static class InitSegmentPatcher
{
    private const uint Mvhd = 0x6d766864;
    private const uint Mehd = 0x6d656864;

    /// <summary>A version 1 mehd: header, version and flags, 64-bit fragment_duration.</summary>
    private const int MehdLength = 8 + 4 + 8;

    /// <summary>
    /// The init with mvhd's duration and mvex/mehd's fragment_duration set to <paramref name="duration"/> (in
    /// <paramref name="timescale"/>, the track's), converted to the movie timescale (rounded up).
    /// </summary>
    public static bool TryPatch(ReadOnlySpan<byte> init, long duration, uint timescale, out byte[] patched, out string? error)
    {
        patched = [];
        if (!Mp4Box.TryFindChild(init, Mp4Box.Moov, out var moov) || !Mp4Box.TryFindChild(moov, Mvhd, out var mvhd))
        {
            error = "the init segment has no moov/mvhd";
            return false;
        }

        if (!Mp4Box.TryFindChild(moov, Mp4Box.Mvex, out _))
        {
            error = "the init segment has no moov/mvex: it is not a fragmented MP4's";
            return false;
        }

        // mvhd: version and flags, creation and modification times (32 or 64 bits), timescale, duration (32 or 64 bits).
        var version = mvhd.Length > 0 ? mvhd[0] : 0;
        var timescaleAt = version == 1 ? 20 : 12;
        if (mvhd.Length < timescaleAt + (version == 1 ? 12 : 8))
        {
            error = "the init segment's mvhd is truncated";
            return false;
        }

        var movieTimescale = BinaryPrimitives.ReadUInt32BigEndian(mvhd[timescaleAt..]);
        if (movieTimescale == 0)
        {
            error = "the init segment's movie timescale is 0";
            return false;
        }

        var movieDuration = (ulong)((((Int128)duration * movieTimescale) + timescale - 1) / timescale);
        var output = new List<byte>(init.Length + MehdLength);
        foreach (var box in Boxes(init))
        {
            if (box.Type != Mp4Box.Moov)
            {
                output.AddRange(init.Slice(box.Start, box.Size));
                continue;
            }

            var children = new List<byte>(box.Size + MehdLength);
            foreach (var child in Boxes(init.Slice(box.Start + box.HeaderLength, box.Size - box.HeaderLength)))
            {
                var bytes = init.Slice(box.Start + box.HeaderLength + child.Start, child.Size);
                if (child.Type == Mvhd)
                {
                    children.AddRange(PatchMvhd(bytes, child.HeaderLength + timescaleAt + 4, version, movieDuration));
                }
                else if (child.Type == Mp4Box.Mvex)
                {
                    children.AddRange(PatchMvex(bytes, child.HeaderLength, movieDuration));
                }
                else
                {
                    children.AddRange(bytes);
                }
            }

            output.AddRange(Header(Mp4Box.Moov, box.HeaderLength, children.Count));
            output.AddRange(children);
        }

        patched = [.. output];
        error = null;
        return true;
    }

    private static byte[] PatchMvhd(ReadOnlySpan<byte> mvhd, int durationAt, int version, ulong duration)
    {
        var bytes = mvhd.ToArray();
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(durationAt), duration);
        }
        else
        {
            // All ones is "unknown" (ISO/IEC 14496-12 8.2.2.3): what a 32-bit field can say of ~49 days at 1/1000 s.
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(durationAt), duration > uint.MaxValue ? uint.MaxValue : (uint)duration);
        }

        return bytes;
    }

    /// <summary>mvex with a version 1 mehd first (as 14496-12 orders it), replacing any mehd it had, its other children kept.</summary>
    private static byte[] PatchMvex(ReadOnlySpan<byte> mvex, int headerLength, ulong duration)
    {
        var mehd = new byte[MehdLength];
        BinaryPrimitives.WriteUInt32BigEndian(mehd, MehdLength);
        BinaryPrimitives.WriteUInt32BigEndian(mehd.AsSpan(4), Mehd);
        mehd[8] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(mehd.AsSpan(12), duration);

        var payload = mvex[headerLength..];
        var children = new List<byte>(mvex.Length + MehdLength);
        children.AddRange(mehd);
        foreach (var child in Boxes(payload))
        {
            if (child.Type != Mehd)
            {
                children.AddRange(payload.Slice(child.Start, child.Size));
            }
        }

        return [.. Header(Mp4Box.Mvex, headerLength, children.Count), .. children];
    }

    /// <summary>A box header in the same form as the original (32-bit size, or 64-bit largesize when it had one).</summary>
    private static byte[] Header(uint type, int headerLength, int payloadLength)
    {
        var header = new byte[headerLength];
        var size = (long)headerLength + payloadLength;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), type);
        if (headerLength == 16)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, 1);
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), (ulong)size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)size);
        }

        return header;
    }

    /// <summary>The boxes of <paramref name="data"/>, in order; a malformed tail is kept as one opaque piece so no byte is lost.</summary>
    private static List<(uint Type, int Start, int Size, int HeaderLength)> Boxes(ReadOnlySpan<byte> data)
    {
        var boxes = new List<(uint, int, int, int)>();
        var at = 0;
        while (at < data.Length)
        {
            if (!Mp4Box.TryReadHeader(data[at..], out var type, out var size, out var headerLength) || size > data.Length - at)
            {
                boxes.Add((0, at, data.Length - at, 0));
                break;
            }

            boxes.Add((type, at, (int)size, headerLength));
            at += (int)size;
        }

        return boxes;
    }
}
