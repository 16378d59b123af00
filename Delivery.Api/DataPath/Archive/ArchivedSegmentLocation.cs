using CmafOrigin.Contracts.Archive;

namespace CmafOrigin.Delivery.Archive;

/// <summary>A segment found in a live run's journal: its track, its journal line and the live file holding its bytes.</summary>
/// <param name="NewestEnd">The end of the newest segment journaled on the same track, in its timescale.</param>
internal sealed record ArchivedSegmentLocation(LiveRun Run, ArchiveTrack Track, ArchivedSegment Segment, long NewestEnd, string LiveFile);
