using System.Buffers.Binary;

namespace CmafOrigin.TestSupport;

/// <summary>Builds small CMAF init segments and segments (styp, prft, moof with tfhd/tfdt/trun, mdat) as ffmpeg writes them.</summary>
public static class CmafSample
{
    public const uint Timescale = 15360;
    public const uint SampleDuration = 512;
    private const uint NonSync = 0x0001_0000;

    /// <summary>ftyp + moov(mvhd, trak(tkhd, mdia/mdhd), mvex/trex), track 1; without mvhd when <paramref name="movieHeader"/> is false.</summary>
    public static byte[] Init(bool movieHeader = true) =>
        Concat(
            Box("ftyp", [.. "iso6"u8, 0, 0, 0, 0]),
            Box("moov",
                // mvhd: times, timescale 1000, duration 0 (live), rate, volume, reserved, matrix, pre-defined, next track.
                movieHeader ? FullBox("mvhd", 0, [.. new byte[8], .. U32(1000), .. U32(0), .. U32(0x0001_0000), 1, 0, .. new byte[10], .. new byte[36], .. new byte[24], .. U32(2)]) : [],
                Box("trak",
                    FullBox("tkhd", 0, [.. new byte[8], .. U32(1), .. new byte[72]]),
                    Box("mdia", FullBox("mdhd", 0, [.. new byte[8], .. U32(Timescale), .. new byte[8]]))),
                Box("mvex", FullBox("trex", 0, [.. U32(1), .. U32(1), .. U32(0), .. U32(0), .. U32(NonSync)]))));

    /// <summary>A segment starting at <paramref name="decodeTime"/> of chunks of <paramref name="samples"/> samples each (the first one a key frame).</summary>
    public static byte[] Segment(long decodeTime, IReadOnlyList<int> samples, int payloadPerSample = 7)
    {
        var pieces = new List<byte[]> { Box("styp", [.. "msdh"u8, 0, 0, 0, 0]) };
        var time = decodeTime;
        for (var i = 0; i < samples.Count; i++)
        {
            pieces.Add(FullBox("prft", 1, [.. U32(1), .. U64(0xeeba4c1e_00000000UL + (ulong)i), .. U64((ulong)time)]));
            // tfhd: default duration and flags (non-sync); trun: data offset and first-sample-flags (sync) on the first chunk.
            var tfhd = FullBox("tfhd", 0x20028, [.. U32(1), .. U32(SampleDuration), .. U32(NonSync)]);
            var tfdt = FullBox("tfdt", 0, [.. U64((ulong)time)], version: 1);
            var trun = i == 0
                ? FullBox("trun", 0x205, [.. U32((uint)samples[i]), .. U32(0), .. U32(0), .. Sizes(samples[i], payloadPerSample)])
                : FullBox("trun", 0x201, [.. U32((uint)samples[i]), .. U32(0), .. Sizes(samples[i], payloadPerSample)]);
            pieces.Add(Box("moof", FullBox("mfhd", 0, U32((uint)i + 1)), Box("traf", tfhd, tfdt, trun)));
            pieces.Add(Box("mdat", new byte[samples[i] * payloadPerSample]));
            time += samples[i] * SampleDuration;
        }

        return Concat([.. pieces]);
    }

    private static byte[] Sizes(int count, int size) => [.. Enumerable.Range(0, count).SelectMany(_ => U32((uint)size))];

    private static byte[] Box(string type, params byte[][] children)
    {
        var payload = Concat(children);
        return [.. U32((uint)(payload.Length + 8)), .. System.Text.Encoding.ASCII.GetBytes(type), .. payload];
    }

    private static byte[] FullBox(string type, uint flags, byte[] payload, byte version = 0) =>
        Box(type, [.. U32(((uint)version << 24) | flags), .. payload]);

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
