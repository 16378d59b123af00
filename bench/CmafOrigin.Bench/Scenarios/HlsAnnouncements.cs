using CmafOrigin.Bench.Load;
using CmafOrigin.Bench.Measure;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// The LL-HLS viewers' figures: per part a viewer was told of, the time from the encoder sending the chunk's last byte
/// (every segment after the warm-up) and from Ingest receiving it (the last segments, whose Redis entries are still
/// there) to the answer of the playlist that first listed it. Part i of a segment is its CMAF chunk i.
/// </summary>
internal static class HlsAnnouncements
{
    public static void Join(
        IEnumerable<HlsViewer> viewers, IReadOnlyDictionary<string, long[]> ingestReceived, int warmupSegments, Samples fromEncoder, Samples fromIngest)
    {
        foreach (var viewer in viewers)
        {
            foreach (var (msn, part, answered) in viewer.Announced.Where(a => a.Msn > warmupSegments))
            {
                var template = viewer.Upload.Template(msn);
                if (viewer.Upload.Sends.TryGetValue(msn, out var sent) && part < template.MediaChunkLastPiece.Length)
                {
                    fromEncoder.Add(BenchClock.Milliseconds(sent.Chunks[template.MediaChunkLastPiece[part]], answered));
                }

                if (ingestReceived.TryGetValue(viewer.Upload.SegmentPath(msn), out var received) && part < received.Length && received[part] != 0)
                {
                    fromIngest.Add(BenchClock.Milliseconds(received[part], answered));
                }
            }
        }
    }
}
