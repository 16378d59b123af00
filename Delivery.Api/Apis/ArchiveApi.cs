using CmafOrigin.Delivery.Archive;
using CmafOrigin.Delivery.Playback;
using Microsoft.AspNetCore.Http.Features;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// A channel's archive: <c>GET/HEAD /&lt;channel&gt;/archive/</c> lists its runs, <c>/&lt;channel&gt;/archive/&lt;run id&gt;/&lt;file&gt;</c>
/// serves a final run's files. Its route wins over the object route for exactly these shapes (<see cref="ArchiveRouteConstraint"/>),
/// and signed playback covers it like any path of the channel (<see cref="PlaybackAuthorization"/>).
/// </summary>
internal static class ArchiveApi
{
    public static IEndpointRouteBuilder MapArchiveApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods($"/{{**path:{ArchiveRouteConstraint.Name}}}", [HttpMethods.Get, HttpMethods.Head], RespondAsync)
            .AddEndpointFilter<PlaybackAuthorization>();
        return app;
    }

    private static async Task RespondAsync(HttpContext context, ArchiveListing listing, ArchiveFileResponder files)
    {
        // The raw target as the playback filter left it (a /~t/<token>/ removed), never the decoded path.
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ArchiveTarget.TryParse(rawTarget, out var target, out var error))
        {
            await Results.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        await (target.IsListing ? listing.RespondAsync(context, target.Channel) : files.RespondAsync(context, target));
    }
}
