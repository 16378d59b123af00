using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CmafOrigin.Delivery.Http;

/// <summary>
/// CORS for players on other origins, and preflight answers. With any origin allowed (the default)
/// every response carries <c>Access-Control-Allow-Origin: *</c>, whether or not the request had an
/// Origin header: a CDN that cached a response fetched without one must still hand a browser a usable
/// copy. With a list of origins, the matching one is echoed and responses vary by Origin.
/// </summary>
internal sealed class CrossOriginHeaders(RequestDelegate next, IOptions<DeliveryOptions> options)
{
    /// <summary>What a player reads from a cross-origin response: the clock (Date) and cache validators among them.</summary>
    internal const string ExposedHeaders = "Date, Content-Length, Content-Range, ETag, Last-Modified, Cache-Control, Age";

    private const string AllowedMethods = "GET, HEAD, OPTIONS";

    private readonly HashSet<string> _allowed = new(
        options.Value.Cors.AllowedOrigins.Where(origin => origin != "*"),
        StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        var allowOrigin = AllowedOriginFor(request.Headers.Origin);
        if (_allowed.Count > 0)
        {
            headers.Vary = "Origin";
        }

        if (allowOrigin is not null)
        {
            headers.AccessControlAllowOrigin = allowOrigin;
            headers.AccessControlExposeHeaders = ExposedHeaders;
            // Lets the player (and Resource Timing) see the real timing of each chunked response.
            headers["Timing-Allow-Origin"] = allowOrigin;
        }

        if (!HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }

        // Preflight (a fetch with a Range header or custom headers) or a plain OPTIONS: answered here.
        headers.Allow = AllowedMethods;
        if (allowOrigin is not null && !StringValues.IsNullOrEmpty(request.Headers.AccessControlRequestMethod))
        {
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = StringValues.IsNullOrEmpty(request.Headers.AccessControlRequestHeaders)
                ? "*"
                : request.Headers.AccessControlRequestHeaders;
            headers.AccessControlMaxAge = "600";
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private string? AllowedOriginFor(StringValues origin)
    {
        if (_allowed.Count == 0)
        {
            return "*";
        }

        return !StringValues.IsNullOrEmpty(origin) && _allowed.Contains(origin.ToString()) ? origin.ToString() : null;
    }
}
