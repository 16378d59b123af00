namespace CmafOrigin.Contracts.Archive;

/// <summary>
/// One line of a track's journal: a media segment appended to the track's live file, written after its bytes are on
/// disk. The journal is what makes a restarted writer neither lose nor repeat a segment, what Delivery serves DVR
/// requests from while the run is live, and what the final file's <c>sidx</c> and the VOD manifests are made of.
/// </summary>
/// <param name="Name">The name the encoder uploaded it under (<c>chunk-stream0-00042.m4s</c>).</param>
/// <param name="Number">Its segment number.</param>
/// <param name="Version">The version id Ingest gave the upload (one upload is archived once).</param>
/// <param name="Offset">Where its bytes start in the live file.</param>
/// <param name="Size">Its byte count.</param>
/// <param name="DecodeTime">Its first fragment's tfdt, in the track's timescale.</param>
/// <param name="Duration">Its fragments' sample durations summed, in the track's timescale.</param>
/// <param name="Independent">Its first sample is a sync sample (a SAP): playback can start there.</param>
public sealed record ArchivedSegment(
    string Name, long Number, string Version, long Offset, long Size, long DecodeTime, long Duration, bool Independent)
{
    public long End => Offset + Size;
}
