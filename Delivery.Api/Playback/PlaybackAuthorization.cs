using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Playback;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Playback;

/// <summary>
/// With signed playback on, lets an object request through only with a valid token for its path, checked before
/// anything is read from Redis; 403 with a short reason otherwise.
/// </summary>
/// <remarks>
/// 1. Take the token from the path (<c>/~t/&lt;token&gt;/live/demo/out.mpd</c>) or the query (<c>?token=</c>).
/// 2. Check it: ours (HMAC, compared in constant time), unexpired, and granting this path.
/// 3. Path form: hand the object path on as the request's target, so the responder serves it as usual. Relative
///    segment URLs in the manifest resolve under the same <c>/~t/&lt;token&gt;/</c>, so they carry the token and
///    the manifest is served byte for byte as cached (no per-token rewrite).
/// 4. Query form on a manifest: redirect (307) to the path form, whose URL players then resolve segments against;
///    a query string is not inherited by relative URLs. Any other object is served.
/// </remarks>
internal sealed class PlaybackAuthorization(
    IOptions<SignedPlaybackOptions> options,
    TimeProvider time,
    ILogger<PlaybackAuthorization> logger) : IEndpointFilter
{
    private static readonly string TokenPathStart = $"/{PlaybackSigner.PathMarker}/";

    private readonly PlaybackSigner? _signer = options.Value.Enabled ? new PlaybackSigner(options.Value.Key!) : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        if (_signer is null)
        {
            return await next(invocation);
        }

        // 1. Token
        var context = invocation.HttpContext;
        var request = context.Features.GetRequiredFeature<IHttpRequestFeature>();
        var rawTarget = request.RawTarget;
        string token;
        string objectTarget;
        var inPath = rawTarget.StartsWith(TokenPathStart, StringComparison.Ordinal);
        if (inPath)
        {
            var end = rawTarget.IndexOf('/', TokenPathStart.Length);
            token = end < 0 ? rawTarget[TokenPathStart.Length..] : rawTarget[TokenPathStart.Length..end];
            objectTarget = end < 0 ? string.Empty : rawTarget[end..];
        }
        else
        {
            var values = context.Request.Query[PlaybackSigner.QueryParameter];
            token = values.Count == 1 ? values[0] ?? string.Empty : values.Count > 1 ? "?" : string.Empty;
            objectTarget = rawTarget;
        }

        // 2. Check (a listing such as /live/demo/archive/ names a folder: checked as the path without its trailing slash)
        if (!ObjectPath.TryParse(WithoutTrailingSlash(objectTarget), out var path, out var error))
        {
            // No object path, so nothing to grant or read: the responder refuses the query form with the same 400.
            return inPath ? TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest) : await next(invocation);
        }

        if (inPath)
        {
            // The span keeps the object path, not the token (a capability for its prefix until it expires), refused or not.
            Activity.Current?.SetTag("url.path", $"{TokenPathStart}-/{path.Value}");
        }

        var verdict = _signer.Check(token, path, time.GetUtcNow());
        if (verdict != PlaybackVerdict.Valid)
        {
            return Refuse(context, PlaybackSigner.Reason(verdict));
        }

        if (inPath)
        {
            // 3. Path form
            request.RawTarget = objectTarget;
            var query = objectTarget.IndexOf('?', StringComparison.Ordinal);
            context.Request.Path = query < 0 ? objectTarget : objectTarget[..query];
        }
        else if (MediaTypes.TryGet(path, out _, out var kind) && kind == ObjectKind.Manifest)
        {
            // 4. Query form of a manifest
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Redirect($"{context.Request.PathBase}{TokenPathStart}{token}/{path.Value}", permanent: false, preserveMethod: true);
        }

        return await next(invocation);
    }

    /// <summary>
    /// For an API that names objects (<c>/api/manifests/latest</c>): with signed playback on, the prefix the request's
    /// <c>?token=</c> grants, or the refusal to answer with; checked before anything is read.
    /// </summary>
    public bool TryGrant(HttpContext context, out PathPrefix prefix, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        refusal = null;
        prefix = PathPrefix.Everything;
        if (_signer is null)
        {
            return true;
        }

        var values = context.Request.Query[PlaybackSigner.QueryParameter];
        var verdict = values.Count == 1
            ? _signer.Check(values[0], time.GetUtcNow(), out prefix)
            : values.Count == 0 ? PlaybackVerdict.Missing : PlaybackVerdict.Malformed;
        if (verdict == PlaybackVerdict.Valid)
        {
            return true;
        }

        refusal = Refuse(context, PlaybackSigner.Reason(verdict));
        return false;
    }

    /// <summary><paramref name="target"/> with one slash ending its path removed (its query kept), so a folder is checked as the path it names.</summary>
    private static string WithoutTrailingSlash(string target)
    {
        var query = target.IndexOfAny(['?', '#']);
        var end = query < 0 ? target.Length : query;
        return end > 1 && target[end - 1] == '/' ? string.Concat(target.AsSpan(0, end - 1), target.AsSpan(end)) : target;
    }

    private ProblemHttpResult Refuse(HttpContext context, string reason)
    {
        PlaybackLog.Refused(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty,
            context.Connection.RemoteIpAddress?.ToString(), reason);
        // A CDN must not keep a refusal for a URL a valid token may reach later.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Problem(detail: reason, statusCode: StatusCodes.Status403Forbidden);
    }
}
