using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Ingest.Channels;

/// <summary>A channel's segment templates and the text of its hash they were parsed from (empty when it has none).</summary>
internal sealed record KnownTemplates(string Text, IReadOnlyList<SegmentTemplate> Templates)
{
    public static KnownTemplates None { get; } = new(string.Empty, []);
}
