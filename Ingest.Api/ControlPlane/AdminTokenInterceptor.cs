using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Control;

/// <summary>
/// The admin credential of ChannelCatalog and OriginAdmin: <c>authorization: Bearer &lt;Control:AdminToken&gt;</c>.
/// Missing → UNAUTHENTICATED, wrong → PERMISSION_DENIED. Compared in constant time (over SHA-256 digests, so
/// not even the token's length leaks) and never logged. gRPC health and reflection do not use it.
/// </summary>
internal sealed class AdminTokenInterceptor : Interceptor
{
    private const string Scheme = "Bearer ";

    private readonly byte[]? _expected;
    private readonly ILogger<AdminTokenInterceptor> _logger;

    public AdminTokenInterceptor(IOptions<ControlOptions> options, ILogger<AdminTokenInterceptor> logger)
    {
        var token = options.Value.AdminToken;
        _expected = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _logger = logger;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        if (_expected is null)
        {
            // No token configured: allowed only in Development or with Control:AllowAnonymous (checked at startup).
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            ControlLog.Refused(_logger, context.Method, "no admin token");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "an admin token is needed: authorization: Bearer <token>"));
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            ControlLog.Refused(_logger, context.Method, "wrong admin token");
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the admin token is not valid"));
        }
    }
}
