using CmafOrigin.Contracts.Paths;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Ingest.Auth;

/// <summary>
/// Lets an upload or delete through only with credentials granting its path, before its body is read:
/// none (or a scheme not offered) → 401 with Basic and Bearer challenges; wrong ones, or right ones for a path
/// outside what they grant → 403 (DASH-IF Live Media Ingest). The secret is never logged.
/// </summary>
/// <remarks>
/// ffmpeg (5.1) with <c>http://user:password@host/...</c> sends its first request of a connection with
/// <c>Expect: 100-continue</c> and no credentials, reads the 401's challenge and sends the request again with
/// Basic credentials; Kestrel sends 100 Continue only when the body is read, so no body is sent for the 401.
/// </remarks>
internal sealed class IngestAuthorization(IngestCredentials credentials, ILogger<IngestAuthorization> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        if (credentials.AllowsAnyone)
        {
            return await next(invocation);
        }

        var context = invocation.HttpContext;
        switch (credentials.Authenticate(context.Request.Headers.Authorization, out var grants))
        {
            case IngestAuthentication.Missing:
                return Challenge(context, "credentials are required (HTTP Basic or Bearer)");
            case IngestAuthentication.Malformed:
                return Challenge(context, "the Authorization header is malformed");
            case IngestAuthentication.Rejected:
                return Refuse(context, StatusCodes.Status403Forbidden, "the credentials are not valid");
            default:
                break;
        }

        // A path that does not parse is the endpoint's to refuse (400), to a client known to be allowed somewhere.
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (ObjectPath.TryParse(rawTarget, out var path, out _) && !grants.Any(prefix => prefix.Covers(path)))
        {
            return Refuse(context, StatusCodes.Status403Forbidden, $"these credentials do not grant /{path.Value}");
        }

        return await next(invocation);
    }

    private ProblemHttpResult Challenge(HttpContext context, string reason)
    {
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{credentials.Realm}\", charset=\"UTF-8\"");
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{credentials.Realm}\"");
        IngestAuthLog.Challenged(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty,
            context.Connection.RemoteIpAddress?.ToString(), reason);
        return Answer(context, StatusCodes.Status401Unauthorized, reason);
    }

    private ProblemHttpResult Refuse(HttpContext context, int status, string reason)
    {
        IngestAuthLog.Refused(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty,
            context.Connection.RemoteIpAddress?.ToString(), status, reason);
        return Answer(context, status, reason);
    }

    private static ProblemHttpResult Answer(HttpContext context, int status, string reason)
    {
        var request = context.Request;
        // A body sent anyway (an encoder streaming a segment) is of no use: close rather than drain it.
        if (request.ContentLength is not 0
            && !request.Headers.Expect.Any(expect => string.Equals(expect, "100-continue", StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.Headers.Connection = "close";
        }

        return TypedResults.Problem(detail: reason, statusCode: status);
    }
}
