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

    private static async Task<IResult> LatestAsync(HttpContext context, ObjectReader reader)
    {
        context.Response.Headers.CacheControl = "no-store";
        var latest = await reader.LatestManifestAsync();
        return latest is null
            ? TypedResults.Problem(detail: "no manifest is on the air", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(latest);
    }
}
