using System.Buffers.Binary;

namespace CmafOrigin.Contracts.Cmaf;

/// <summary>What an init segment tells about its one track: the timescale of its media times and the defaults of its fragments.</summary>
public sealed record CmafTrack(uint TrackId, uint Timescale, uint DefaultSampleDuration, uint DefaultSampleFlags)
{
    /// <summary>Reads ftyp/moov/trak/mdia/mdhd (timescale), tkhd (track id) and mvex/trex (defaults).</summary>
    public static CmafTrack? TryParse(ReadOnlySpan<byte> init, out string? error)
    {
        error = null;
        if (!Mp4Box.TryFindChild(init, Mp4Box.Moov, out var moov))
        {
            error = "the init segment has no moov box";
            return null;
        }

        if (!Mp4Box.TryFindChild(moov, Mp4Box.Trak, out var trak)
            || !Mp4Box.TryFindChild(trak, Mp4Box.Tkhd, out var tkhd)
            || !Mp4Box.TryFindChild(trak, Mp4Box.Mdia, out var mdia)
            || !Mp4Box.TryFindChild(mdia, Mp4Box.Mdhd, out var mdhd))
        {
            error = "the init segment has no trak with tkhd and mdia/mdhd";
            return null;
        }

        // tkhd and mdhd: version 1 has 64-bit times before the id / timescale.
        var trackIdAt = tkhd.Length > 0 && tkhd[0] == 1 ? 20 : 12;
        var timescaleAt = mdhd.Length > 0 && mdhd[0] == 1 ? 20 : 12;
        if (tkhd.Length < trackIdAt + 4 || mdhd.Length < timescaleAt + 4)
        {
            error = "the init segment's tkhd or mdhd is truncated";
            return null;
        }

        var trackId = BinaryPrimitives.ReadUInt32BigEndian(tkhd[trackIdAt..]);
        var timescale = BinaryPrimitives.ReadUInt32BigEndian(mdhd[timescaleAt..]);
        if (timescale == 0)
        {
            error = "the init segment's timescale is 0";
            return null;
        }

        uint duration = 0, flags = 0;
        if (Mp4Box.TryFindChild(moov, Mp4Box.Mvex, out var mvex) && Mp4Box.TryFindChild(mvex, Mp4Box.Trex, out var trex) && trex.Length >= 24)
        {
            duration = BinaryPrimitives.ReadUInt32BigEndian(trex[12..]);
            flags = BinaryPrimitives.ReadUInt32BigEndian(trex[20..]);
        }

        return new CmafTrack(trackId, timescale, duration, flags);
    }
}
