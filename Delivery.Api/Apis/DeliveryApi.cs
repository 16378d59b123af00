using CmafOrigin.Delivery.Viewers;

namespace CmafOrigin.Delivery.Apis;

/// <summary>The viewer-facing API: GET and HEAD on the paths the encoder uploaded.</summary>
internal static class DeliveryApi
{
    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], RespondAsync);
        return app;
    }

    private static Task RespondAsync(HttpContext context, ObjectResponder responder) =>
        responder.RespondAsync(context);
}
