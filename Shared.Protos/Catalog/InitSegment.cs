namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// Recognises a channel's init segments: uploaded once when an encoder starts, yet needed by every player that
/// joins later, so Ingest keeps them as long as the channel is published rather than for the retention alone.
/// </summary>
public static class InitSegment
{
    private const string FfmpegPrefix = "init-";

    /// <summary>
    /// True when <paramref name="name"/> is the channel's SegmentTemplate@initialization for some track, or,
    /// when no template names it (the manifest may not be known yet), when it looks like one: ffmpeg's
    /// <c>init-*</c> names and the <c>.init</c> / <c>.header</c> extensions.
    /// </summary>
    public static bool Matches(string name, IReadOnlyList<SegmentTemplate> templates)
    {
        foreach (var template in templates)
        {
            if (template.TryMatch(name, out _))
            {
                return template.Suffix is null;
            }
        }

        return name.StartsWith(FfmpegPrefix, StringComparison.Ordinal)
            || name.EndsWith(".init", StringComparison.Ordinal)
            || name.EndsWith(".header", StringComparison.Ordinal);
    }
}
