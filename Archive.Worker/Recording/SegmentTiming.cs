using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Archive.Recording;

/// <summary>When a CMAF segment starts (its first tfdt), how long it lasts (its chunks' sample durations) and whether it starts with a sync sample.</summary>
internal readonly record struct SegmentTiming(long DecodeTime, long Duration, bool Independent)
{
    /// <summary>Reads the segment from its pieces as stored (a box may straddle two).</summary>
    public static bool TryRead(IReadOnlyList<byte[]> segment, CmafTrack track, out SegmentTiming timing, out string? error)
    {
        timing = default;
        var parser = new CmafChunkParser(track);
        var chunks = new List<CmafPart>();
        if (!segment.All(piece => parser.Push(piece, chunks)) || !parser.Finish())
        {
            error = parser.Error;
            return false;
        }

        if (chunks.Count == 0)
        {
            error = "the segment has no moof+mdat";
            return false;
        }

        error = null;
        timing = new SegmentTiming(chunks[0].DecodeTime, chunks.Sum(c => c.Duration), chunks[0].Independent);
        return true;
    }
}
