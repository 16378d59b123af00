namespace CmafOrigin.Contracts.Catalog;

/// <summary>How the catalog judges a channel (section <c>Catalog</c>).</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>A channel from which nothing arrived for this long is reported ended, even if its encoder never said so.</summary>
    public TimeSpan EndedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The recent window over which a channel's ingest bitrate is measured.</summary>
    public TimeSpan BitrateWindow { get; set; } = TimeSpan.FromSeconds(10);
}
