namespace CmafOrigin.Archive.Tests.Finalizing;

internal sealed record SidxReference(int ReferenceType, uint ReferencedSize, uint SubsegmentDuration, bool StartsWithSap, int SapType);
