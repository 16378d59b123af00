using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Player;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// The low-latency demo player: <c>/player</c> (<c>?src=</c> a manifest URL, or none for the latest live
/// stream) and the files it loads under <c>/player/</c>. Exact routes, so they win over the object catch-all
/// and take no path away from it but their own.
/// </summary>
internal static class PlayerApi
{
    public const string Path = "/player";

    // A page on another origin may load dash.js (or the other files) from here.
    public static IEndpointRouteBuilder MapPlayerApi(this IEndpointRouteBuilder app) =>
        app.MapEmbeddedFiles(Path, PlayerAssets.All, shareFiles: true);
}
