using CmafOrigin.Delivery.Player;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// The low-latency demo player: <c>/player</c> (<c>?src=</c> a manifest URL, or none for the latest live
/// stream) and the files it loads under <c>/player/</c>. Exact routes, so they win over the object catch-all
/// and take no path away from it but their own.
/// </summary>
internal static class PlayerApi
{
    public const string Path = "/player";

    public static IEndpointRouteBuilder MapPlayerApi(this IEndpointRouteBuilder app)
    {
        foreach (var asset in PlayerAssets.All.Values)
        {
            var route = asset.IsPage ? Path : $"{Path}/{asset.Name}";
            app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Serve(context, asset))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static FileContentHttpResult Serve(HttpContext context, PlayerAsset asset)
    {
        var headers = context.Response.Headers;
        // Always revalidated (a 304 when unchanged), so a rebuilt page is picked up at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (!asset.IsPage)
        {
            // A page on another origin may load dash.js (or these files) from here.
            headers.AccessControlAllowOrigin = "*";
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }
}
