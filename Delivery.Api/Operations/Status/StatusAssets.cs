using CmafOrigin.Delivery.Http;

namespace CmafOrigin.Delivery.Status;

/// <summary>
/// The /status page's files (<c>Status/*.html|js|css</c>), embedded under <c>status/</c>: our own HTML, CSS and JS,
/// the charts drawn on canvas; nothing from a CDN.
/// </summary>
internal static class StatusAssets
{
    private static readonly Lazy<IReadOnlyDictionary<string, EmbeddedFile>> Embedded = new(() => EmbeddedFiles.Load("status/"));

    /// <summary>Every file by name: <c>index.html</c>, <c>status.js</c>, <c>status.css</c>.</summary>
    public static IReadOnlyDictionary<string, EmbeddedFile> All => Embedded.Value;
}
