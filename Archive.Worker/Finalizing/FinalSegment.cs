namespace CmafOrigin.Archive.Finalizing;

/// <summary>One archived segment where it ended up in a final track file.</summary>
/// <param name="Range">Its bytes in the final file.</param>
/// <param name="DecodeTime">Its tfdt, in the track's timescale.</param>
/// <param name="Duration">
/// Up to the next segment's decode time (the last one: its own duration), in the track's timescale, so that a missing
/// segment is absorbed by the one before it and the index's time stays equal to the tfdt time.
/// </param>
/// <param name="Seconds"><paramref name="Duration"/> in seconds.</param>
internal sealed record FinalSegment(ByteRange Range, long DecodeTime, long Duration, double Seconds, bool Independent);
