namespace CmafOrigin.Contracts.Cmaf;

/// <summary>
/// One CMAF chunk of a segment, an LL-HLS part: bytes [<paramref name="Offset"/>, +<paramref name="Length"/>) of the
/// segment, from the end of the previous chunk's mdat (or the segment's start) to the end of its own mdat.
/// </summary>
/// <param name="DecodeTime">Its moof's tfdt, in the track's timescale: also what names the part.</param>
/// <param name="Duration">Its samples' durations summed, in the track's timescale.</param>
/// <param name="ProducerTime">The prft that came with it, if any.</param>
public sealed record CmafPart(long Offset, long Length, long DecodeTime, long Duration, bool Independent, ProducerReferenceTime? ProducerTime)
{
    public long End => Offset + Length;
}
