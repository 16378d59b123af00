using CmafOrigin.Delivery.Hls;
using CmafOrigin.Delivery.Playback;
using CmafOrigin.Delivery.Viewers;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// The viewer-facing API: GET and HEAD on the paths the encoder uploaded; with signed playback on, only with a
/// token granting the path (<see cref="PlaybackAuthorization"/>).
/// </summary>
internal static class DeliveryApi
{
    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], RespondAsync).AddEndpointFilter<PlaybackAuthorization>();
        return app;
    }

    // LL-HLS names (and any .m3u8) go through the HLS responder, which hands back what is not its own.
    private static Task RespondAsync(HttpContext context, ObjectResponder responder, HlsResponder hls) =>
        context.Request.Path.Value?.Contains(".m3u8", StringComparison.Ordinal) == true || context.Request.Path.Value?.Contains("-llhls-", StringComparison.Ordinal) == true
            ? hls.RespondAsync(context)
            : responder.RespondAsync(context);
}
