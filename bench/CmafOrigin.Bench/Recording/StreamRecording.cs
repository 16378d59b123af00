using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Bench.Recording;

/// <summary>
/// A real CMAF stream as ffmpeg pushed it: per rendition its init segment and media segments, each cut into the
/// HTTP chunks ffmpeg sent (one per CMAF fragment, moof+mdat) with when each was sent after the segment's request began.
/// Saved under bench/.cache so ffmpeg runs once.
/// </summary>
internal sealed class StreamRecording
{
    private const string IndexFile = "recording.json";

    public required TimeSpan SegmentDuration { get; init; }

    public required IReadOnlyList<RecordedRendition> Renditions { get; init; }

    /// <summary>The last live (dynamic) MPD ffmpeg uploaded; segment paths in it are relative, so it fits any channel.</summary>
    public required byte[] Manifest { get; init; }

    /// <summary>How the recording was made, for the results.</summary>
    public required string Source { get; init; }

    public static StreamRecording? TryLoad(string directory)
    {
        var indexPath = Path.Combine(directory, IndexFile);
        if (!File.Exists(indexPath))
        {
            return null;
        }

        var index = JsonSerializer.Deserialize<RecordingIndex>(File.ReadAllBytes(indexPath), JsonOptions.Default)
            ?? throw new InvalidDataException($"{indexPath} is empty");
        var manifest = File.ReadAllBytes(Path.Combine(directory, index.Manifest));
        if (!IsLiveManifest(manifest))
        {
            // Recordings made before the tool kept the live manifest hold ffmpeg's final, static one.
            Console.WriteLine($"{directory} holds a static manifest (the stream's end), not a live one: recording again");
            return null;
        }

        return new StreamRecording
        {
            SegmentDuration = TimeSpan.FromMilliseconds(index.SegmentDurationMs),
            Manifest = manifest,
            Source = index.Source,
            Renditions =
            [
                .. index.Renditions.Select(r => new RecordedRendition(
                    r.Stream,
                    r.Description,
                    File.ReadAllBytes(Path.Combine(directory, r.Init)),
                    [.. r.Segments.Select(s => new SegmentTemplate(
                        File.ReadAllBytes(Path.Combine(directory, s.File)),
                        [.. s.Chunks.Select(c => c.Length)],
                        [.. s.Chunks.Select(c => TimeSpan.FromMicroseconds(c.OffsetUs))]))])),
            ],
        };
    }

    /// <summary>True for a dynamic MPD, read as Ingest reads it: a static one says the stream has ended.</summary>
    public static bool IsLiveManifest(byte[] mpd) => ManifestDocument.TryParse(mpd) is { IsStatic: false };

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "out.mpd"), Manifest);
        var renditions = new List<RenditionIndex>();
        foreach (var rendition in Renditions)
        {
            var stream = rendition.Stream.ToString(CultureInfo.InvariantCulture);
            var init = $"init-stream{stream}.m4s";
            File.WriteAllBytes(Path.Combine(directory, init), rendition.Init);
            var segments = new List<SegmentIndex>();
            for (var i = 0; i < rendition.Segments.Count; i++)
            {
                var segment = rendition.Segments[i];
                var file = $"segment-stream{stream}-{i.ToString("D3", CultureInfo.InvariantCulture)}.m4s";
                File.WriteAllBytes(Path.Combine(directory, file), segment.Bytes);
                segments.Add(new SegmentIndex(file, [.. segment.ChunkLengths.Select((length, c) => new ChunkIndex(length, (long)segment.ChunkOffsets[c].TotalMicroseconds))]));
            }

            renditions.Add(new RenditionIndex(rendition.Stream, rendition.Description, init, segments));
        }

        var index = new RecordingIndex(Source, (long)SegmentDuration.TotalMilliseconds, "out.mpd", renditions);
        File.WriteAllBytes(Path.Combine(directory, IndexFile), JsonSerializer.SerializeToUtf8Bytes(index, JsonOptions.Default));
    }

    /// <summary>One line per rendition: bitrate, chunks per segment, chunk sizes, chunk spacing.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var rendition in Renditions)
        {
            var chunks = rendition.Segments.SelectMany(s => s.ChunkLengths).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  stream{rendition.Stream} {rendition.Description}: {rendition.BitsPerSecond(SegmentDuration) / 1e6:0.00} Mbit/s, " +
                $"{rendition.Segments.Count} segments of {rendition.Segments.Average(s => s.MediaChunkEnds.Length):0.#} CMAF chunks " +
                $"(mean {rendition.Segments.Average(s => s.Bytes.Length / (double)s.MediaChunkEnds.Length) / 1024:0} KiB) " +
                $"sent as {chunks.Count / (double)rendition.Segments.Count:0.#} HTTP chunks of {chunks.Min()}-{chunks.Max()} B, " +
                $"CMAF chunk spacing {MediaSpacing(rendition):0} ms");
        }

        return text.ToString();
    }

    private static double MediaSpacing(RecordedRendition rendition) =>
        rendition.Segments
            .SelectMany(s =>
            {
                var sent = s.MediaChunkLastPiece.Select(p => s.ChunkOffsets[p].TotalMilliseconds).ToArray();
                return sent.Zip(sent.Skip(1), (a, b) => b - a);
            })
            .DefaultIfEmpty(0)
            .Average();

    private sealed record RecordingIndex(string Source, long SegmentDurationMs, string Manifest, List<RenditionIndex> Renditions);

    private sealed record RenditionIndex(int Stream, string Description, string Init, List<SegmentIndex> Segments);

    private sealed record SegmentIndex(string File, List<ChunkIndex> Chunks);

    private sealed record ChunkIndex(int Length, long OffsetUs);
}

/// <summary>One DASH representation of the recording (a DASH stream number of ffmpeg's output).</summary>
internal sealed record RecordedRendition(int Stream, string Description, byte[] Init, IReadOnlyList<SegmentTemplate> Segments)
{
    private readonly ConcurrentDictionary<int, SegmentTemplate> _laterLaps = new();
    private long? _lapDuration;

    public double BitsPerSecond(TimeSpan segmentDuration) =>
        Segments.Average(s => s.Bytes.Length) * 8 / segmentDuration.TotalSeconds;

    /// <summary>
    /// What the replay sends as segment <paramref name="number"/> (from 1): the recorded segments in turn, each lap after
    /// the first moved on the media timeline by the recording's length, so decode times keep rising like a live encoder's.
    /// </summary>
    public SegmentTemplate Segment(int number)
    {
        var lap = (number - 1) / Segments.Count;
        var recorded = Segments[(number - 1) % Segments.Count];
        return lap == 0
            ? recorded
            : _laterLaps.GetOrAdd(number - 1, (_, state) => new SegmentTemplate(
                DecodeTimeShift.Apply(state.Recorded.Bytes, state.Lap * state.Rendition.LapDuration()), state.Recorded.ChunkLengths, state.Recorded.ChunkOffsets),
                (Recorded: recorded, Lap: (long)lap, Rendition: this));
    }

    /// <summary>From the first recorded segment's decode time to the end of the last one's, in the track's timescale.</summary>
    private long LapDuration()
    {
        if (_lapDuration is not { } duration)
        {
            var (firstStart, _) = Timing(Segments[0]);
            var (lastStart, lastDuration) = Timing(Segments[^1]);
            duration = lastStart + lastDuration - firstStart;
            _lapDuration = duration;
        }

        return duration;
    }

    private (long Start, long Duration) Timing(SegmentTemplate segment)
    {
        var track = CmafTrack.TryParse(Init, out var error) ?? throw new InvalidDataException($"stream {Stream}: the init segment is not CMAF ({error})");
        var parser = new CmafChunkParser(track);
        var parts = new List<CmafPart>();
        if (!parser.Push(segment.Bytes, parts) || !parser.Finish() || parts.Count == 0)
        {
            throw new InvalidDataException($"stream {Stream}: a recorded segment is not CMAF ({parser.Error})");
        }

        return (parts[0].DecodeTime, parts.Sum(p => p.Duration));
    }
}

/// <summary>
/// A recorded media segment: its bytes, where each HTTP chunk ends, and when each was sent after the request began.
/// The replay sends these bytes under a new segment number each time, so the content stays real.
/// </summary>
internal sealed class SegmentTemplate
{
    public SegmentTemplate(byte[] bytes, int[] chunkLengths, TimeSpan[] chunkOffsets)
    {
        Bytes = bytes;
        ChunkLengths = chunkLengths;
        ChunkOffsets = chunkOffsets;
        ChunkEnds = new long[chunkLengths.Length];
        Frames = new byte[chunkLengths.Length][];
        long end = 0;
        for (var i = 0; i < chunkLengths.Length; i++)
        {
            var start = end;
            end += chunkLengths[i];
            ChunkEnds[i] = end;
            // The chunk as it goes on the wire in a chunked request body: size line, data, CRLF. Built once, sent by every upload.
            var sizeLine = Encoding.ASCII.GetBytes($"{chunkLengths[i].ToString("x", CultureInfo.InvariantCulture)}\r\n");
            var frame = new byte[sizeLine.Length + chunkLengths[i] + 2];
            sizeLine.CopyTo(frame, 0);
            bytes.AsSpan((int)start, chunkLengths[i]).CopyTo(frame.AsSpan(sizeLine.Length));
            frame[^2] = (byte)'\r';
            frame[^1] = (byte)'\n';
            Frames[i] = frame;
        }

        if (end != bytes.Length)
        {
            throw new InvalidDataException($"chunks add up to {end} bytes, the segment has {bytes.Length}");
        }

        MediaChunkEnds = CmafChunkEnds(bytes) ?? ChunkEnds;
        MediaChunkLastPiece = new int[MediaChunkEnds.Length];
        for (var i = 0; i < MediaChunkEnds.Length; i++)
        {
            MediaChunkLastPiece[i] = Array.FindIndex(ChunkEnds, e => e >= MediaChunkEnds[i]);
        }
    }

    /// <summary>
    /// Where each CMAF chunk (the boxes up to and including an <c>mdat</c>: [styp] [prft] moof mdat) ends: the unit a
    /// player can use, and so the unit latency is measured in. ffmpeg sends one such chunk as a burst of HTTP chunks
    /// of at most 32 KiB (its I/O buffer), all at once.
    /// </summary>
    public long[] MediaChunkEnds { get; }

    /// <summary>For each CMAF chunk, the HTTP chunk (index into <see cref="Frames"/>) that carries its last byte.</summary>
    public int[] MediaChunkLastPiece { get; }

    public byte[] Bytes { get; }

    public int[] ChunkLengths { get; }

    /// <summary>Offset of each chunk's last byte + 1 in the segment.</summary>
    public long[] ChunkEnds { get; }

    /// <summary>When ffmpeg finished sending each chunk, after the request head.</summary>
    public TimeSpan[] ChunkOffsets { get; }

    /// <summary>Each chunk framed for a chunked request body.</summary>
    public byte[][] Frames { get; }

    /// <summary>The end offset of every top-level <c>mdat</c> box, or null when the bytes are not a sequence of boxes.</summary>
    internal static long[]? CmafChunkEnds(ReadOnlySpan<byte> bytes)
    {
        var ends = new List<long>();
        long offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)offset..]);
            var type = bytes.Slice((int)offset + 4, 4);
            if (size == 1 && offset + 16 <= bytes.Length)
            {
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[((int)offset + 8)..]);
            }
            else if (size == 0)
            {
                size = bytes.Length - offset;
            }

            if (size < 8 || offset + size > bytes.Length)
            {
                return null;
            }

            offset += size;
            if (type.SequenceEqual("mdat"u8))
            {
                ends.Add(offset);
            }
        }

        return offset == bytes.Length && ends.Count > 0 ? [.. ends] : null;
    }
}

internal static class JsonOptions
{
    public static JsonSerializerOptions Default { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
