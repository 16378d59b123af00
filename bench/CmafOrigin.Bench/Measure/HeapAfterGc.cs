namespace CmafOrigin.Bench.Measure;

/// <summary>A managed heap right after a full GC, in bytes: its generations' sizes (free space included), and what is live.</summary>
internal readonly record struct HeapAfterGc(long Size, long Live)
{
    public double SizeMb => Math.Round(Size / 1048576.0, 2);

    public double LiveMb => Math.Round(Live / 1048576.0, 2);
}
