using System.Buffers.Binary;

namespace CmafOrigin.Contracts.Cmaf;

/// <summary>What a CMAF chunk's moof says: when it starts (tfdt), how long it lasts (trun durations) and whether it starts with a sync sample.</summary>
/// <param name="DecodeTime">tfdt, in the track's timescale.</param>
/// <param name="Duration">The sum of its sample durations, in the track's timescale.</param>
public readonly record struct CmafFragment(long DecodeTime, long Duration, bool Independent)
{
    private const uint NonSyncSample = 0x0001_0000;

    /// <summary>Reads a moof's payload (the bytes after its header) for <paramref name="track"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> moof, CmafTrack track, out CmafFragment fragment, out string? error)
    {
        fragment = default;
        if (!Mp4Box.TryFindChild(moof, Mp4Box.Traf, out var traf))
        {
            error = "moof without traf";
            return false;
        }

        if (!Mp4Box.TryFindChild(traf, Mp4Box.Tfhd, out var tfhd) || tfhd.Length < 8)
        {
            error = "traf without tfhd";
            return false;
        }

        if (!Mp4Box.TryFindChild(traf, Mp4Box.Tfdt, out var tfdt) || tfdt.Length < 8)
        {
            error = "traf without tfdt";
            return false;
        }

        // tfhd: flags, track id, then the optional fields its flags announce, in this order.
        var tfhdFlags = BinaryPrimitives.ReadUInt32BigEndian(tfhd) & 0xFFFFFF;
        var at = 8;
        at += (tfhdFlags & 0x01) != 0 ? 8 : 0;
        at += (tfhdFlags & 0x02) != 0 ? 4 : 0;
        var defaultDuration = track.DefaultSampleDuration;
        if ((tfhdFlags & 0x08) != 0)
        {
            if (tfhd.Length < at + 4)
            {
                error = "tfhd is truncated";
                return false;
            }

            defaultDuration = BinaryPrimitives.ReadUInt32BigEndian(tfhd[at..]);
            at += 4;
        }

        at += (tfhdFlags & 0x10) != 0 ? 4 : 0;
        var defaultFlags = track.DefaultSampleFlags;
        if ((tfhdFlags & 0x20) != 0)
        {
            if (tfhd.Length < at + 4)
            {
                error = "tfhd is truncated";
                return false;
            }

            defaultFlags = BinaryPrimitives.ReadUInt32BigEndian(tfhd[at..]);
        }

        if (tfdt[0] == 1 && tfdt.Length < 12)
        {
            error = "tfdt is truncated";
            return false;
        }

        var decodeTime = tfdt[0] == 1 ? (long)BinaryPrimitives.ReadUInt64BigEndian(tfdt[4..]) : BinaryPrimitives.ReadUInt32BigEndian(tfdt[4..]);

        long duration = 0;
        bool? independent = null;
        var runs = Mp4Box.FindChildren(traf, Mp4Box.Trun);
        if (runs.Count == 0)
        {
            error = "traf without trun";
            return false;
        }

        foreach (var (start, length) in runs)
        {
            if (!TryReadRun(traf.Slice(start, length), defaultDuration, defaultFlags, ref duration, ref independent))
            {
                error = "trun is truncated";
                return false;
            }
        }

        fragment = new CmafFragment(decodeTime, duration, independent ?? false);
        error = null;
        return true;
    }

    private static bool TryReadRun(ReadOnlySpan<byte> trun, uint defaultDuration, uint defaultFlags, ref long duration, ref bool? independent)
    {
        if (trun.Length < 8)
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt32BigEndian(trun) & 0xFFFFFF;
        var count = BinaryPrimitives.ReadUInt32BigEndian(trun[4..]);
        var at = 8 + ((flags & 0x01) != 0 ? 4 : 0);
        uint? firstFlags = null;
        if ((flags & 0x04) != 0)
        {
            if (trun.Length < at + 4)
            {
                return false;
            }

            firstFlags = BinaryPrimitives.ReadUInt32BigEndian(trun[at..]);
            at += 4;
        }

        var hasDuration = (flags & 0x100) != 0;
        var hasFlags = (flags & 0x400) != 0;
        var perSample = (hasDuration ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0) + (hasFlags ? 4 : 0) + ((flags & 0x800) != 0 ? 4 : 0);
        if ((long)trun.Length < at + ((long)count * perSample))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var sample = trun.Slice(at + (i * perSample), perSample);
            duration += hasDuration ? BinaryPrimitives.ReadUInt32BigEndian(sample) : defaultDuration;
            if (independent is null)
            {
                // The first sample of the chunk: the trun's first-sample-flags, its own flags, or the defaults.
                var sampleFlags = firstFlags
                    ?? (hasFlags ? BinaryPrimitives.ReadUInt32BigEndian(sample[((hasDuration ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0))..]) : defaultFlags);
                independent = (sampleFlags & NonSyncSample) == 0;
            }
        }

        return true;
    }
}
