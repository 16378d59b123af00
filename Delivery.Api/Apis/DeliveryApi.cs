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

    private static Task RespondAsync(HttpContext context, ObjectResponder responder) =>
        responder.RespondAsync(context);
}
