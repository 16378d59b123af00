using CmafOrigin.Delivery.Http;

namespace CmafOrigin.Delivery.Player;

/// <summary>
/// The /player page's files: the page from <c>Player/</c>, dash.js, hls.js and Shaka Player from the npm packages pinned in
/// <c>Player/package-lock.json</c>, embedded under <c>player/</c>.
/// </summary>
internal static class PlayerAssets
{
    private static readonly Lazy<IReadOnlyDictionary<string, EmbeddedFile>> Embedded = new(() => EmbeddedFiles.Load("player/", "dash.all.min.js", "hls.min.js", "shaka-player.compiled.js"));

    /// <summary>Every file by name, e.g. <c>index.html</c>, <c>player.js</c>, <c>dash.all.min.js</c>.</summary>
    public static IReadOnlyDictionary<string, EmbeddedFile> All => Embedded.Value;
}
