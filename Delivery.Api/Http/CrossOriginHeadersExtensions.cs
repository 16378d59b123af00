namespace CmafOrigin.Delivery.Http;

internal static class CrossOriginHeadersExtensions
{
    /// <summary>CORS for every answer, preflight included; see <see cref="CrossOriginHeaders"/>.</summary>
    public static IApplicationBuilder UseCrossOriginHeaders(this IApplicationBuilder app) =>
        app.UseMiddleware<CrossOriginHeaders>();
}
