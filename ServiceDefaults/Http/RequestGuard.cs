using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CmafOrigin.ServiceDefaults.Http;

/// <summary>
/// Refuses, before any endpoint sees them, requests that no encoder or player sends and that an attacker
/// uses to reach something other than what the path names: a path Kestrel would decode or normalise into
/// another one, ambiguous body framing, and bodies on requests that carry none. Also gives Kestrel's bare
/// 405 a short reason (its <c>Allow</c> header already lists what the path supports).
/// </summary>
/// <remarks>
/// Kestrel decodes <c>%2e%2e</c> and removes dot segments before routing, so <c>/x/%2e%2e/health</c> would be
/// answered as <c>/health</c>. Object paths are checked again on the raw target by <c>ObjectPath</c>; this
/// guard holds the same line for every other endpoint. Framing refusals close the connection: after an
/// ambiguous body there is no telling where the next request starts.
/// </remarks>
internal sealed class RequestGuard(RequestDelegate next, ILogger<RequestGuard> logger)
{
    private const string KestrelRenamedContentLength = "X-Content-Length";

    public async Task InvokeAsync(HttpContext context)
    {
        var refusal = RefusePath(context) ?? RefuseFraming(context.Request);
        if (refusal is { } refused)
        {
            RequestGuardLog.Refused(logger, context.Request.Method, refused.Status, refused.Reason);
            context.Response.Headers.Connection = "close";
            await Results.Problem(detail: refused.Reason, statusCode: refused.Status).ExecuteAsync(context);
            return;
        }

        await next(context);

        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
        {
            var reason = $"{context.Request.Method} is not supported here; this path supports {context.Response.Headers.Allow}";
            RequestGuardLog.Refused(logger, context.Request.Method, StatusCodes.Status405MethodNotAllowed, reason);
            await Results.Problem(detail: reason, statusCode: StatusCodes.Status405MethodNotAllowed).ExecuteAsync(context);
        }
    }

    /// <summary>The path part of an origin-form target may hold no percent-encoding, backslash or dot segment: none of this origin's paths need them.</summary>
    private static Refusal? RefusePath(HttpContext context)
    {
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget.AsSpan();
        if (target.IsEmpty || target[0] != '/')
        {
            // Absolute-form is checked against Host by Kestrel; "*" is OPTIONS-only.
            return null;
        }

        var query = target.IndexOfAny('?', '#');
        var path = query >= 0 ? target[..query] : target;
        if (path.Contains('%'))
        {
            return new(StatusCodes.Status400BadRequest, "percent-encoded characters are not allowed in paths");
        }

        if (path.Contains('\\'))
        {
            return new(StatusCodes.Status400BadRequest, "backslashes are not allowed in paths");
        }

        foreach (var segment in path.Split('/'))
        {
            if (path[segment] is "." or "..")
            {
                return new(StatusCodes.Status400BadRequest, "'.' and '..' are not allowed as path segments");
            }
        }

        return null;
    }

    private static Refusal? RefuseFraming(HttpRequest request)
    {
        var chunked = request.Headers.TransferEncoding.Count > 0;
        // Kestrel follows Transfer-Encoding and renames a Content-Length sent with it to X-Content-Length;
        // a proxy in front may have framed the body by that length instead, so neither reading is trusted.
        if (chunked && (request.Headers.ContentLength is not null || request.Headers.ContainsKey(KestrelRenamedContentLength)))
        {
            return new(StatusCodes.Status400BadRequest, "Content-Length and Transfer-Encoding together make the body's length ambiguous");
        }

        // RFC 9112 §6.1: HTTP/1.0 has no transfer codings, so such a message's framing is faulty.
        if (chunked && HttpProtocol.IsHttp10(request.Protocol))
        {
            return new(StatusCodes.Status400BadRequest, "Transfer-Encoding is not defined in HTTP/1.0");
        }

        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && (chunked || request.ContentLength > 0))
        {
            return new(StatusCodes.Status400BadRequest, $"a {request.Method} request carries no body");
        }

        // ffmpeg's DELETE carries an empty chunked body and closes without waiting for the answer: a chunked
        // DELETE is acted on at once and its body never read (Kestrel drains and discards it).
        if (HttpMethods.IsDelete(request.Method) && request.ContentLength > 0)
        {
            return new(StatusCodes.Status400BadRequest, "a DELETE request carries no body");
        }

        return null;
    }

    private readonly record struct Refusal(int Status, string Reason);
}
