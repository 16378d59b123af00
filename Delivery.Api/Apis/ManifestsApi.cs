using CmafOrigin.Contracts.Paths;
using CmafOrigin.Delivery.Playback;
using CmafOrigin.Delivery.Storage;

namespace CmafOrigin.Delivery.Apis;

/// <summary>What is on the air: lets a player page without a manifest URL find the live stream.</summary>
internal static class ManifestsApi
{
    public static IEndpointRouteBuilder MapManifestsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/manifests/latest", LatestAsync);
        return app;
    }

    private static async Task<IResult> LatestAsync(HttpContext context, ObjectReader reader, PlaybackAuthorization playback)
    {
        context.Response.Headers.CacheControl = "no-store";
        // With signed playback on, only a manifest the request's token grants is named.
        if (!playback.TryGrant(context, out var granted, out var refusal))
        {
            return refusal;
        }

        var latest = await reader.LatestManifestAsync();
        return latest is null || !(ObjectPath.TryParse("/" + latest.Path, out var path, out _) && granted.Covers(path))
            ? TypedResults.Problem(detail: "no manifest is on the air", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(latest);
    }
}
