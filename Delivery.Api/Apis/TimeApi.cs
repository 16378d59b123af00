using System.Globalization;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// The time source players sync their clocks with: the MPD's UTCTiming points here
/// (<c>urn:mpeg:dash:utc:http-xsdate:2014</c> and <c>http-iso</c> read the body, <c>http-head</c> the Date header).
/// A player whose clock is off by a second misses the live edge by a second.
/// </summary>
internal static class TimeApi
{
    public const string Path = "/time";

    public static IEndpointRouteBuilder MapTimeApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], static (HttpContext context, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Date = now.ToString("R", CultureInfo.InvariantCulture);
            return TypedResults.Text(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "text/plain");
        });
        return app;
    }
}
