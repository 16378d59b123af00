using System.Security.Cryptography;

namespace CmafOrigin.AppHost;

/// <summary>
/// How the parts find each other, handed to every service as Aspire's own conventions would,
/// so an Aspire AppHost can replace this one without touching the services.
/// </summary>
internal sealed record Wiring(string RedisConnection, Uri IngestUrl, Uri DeliveryUrl, bool RedisIsOwn)
{
    /// <summary>Ingest's gRPC control plane (cleartext HTTP/2); null when not wired.</summary>
    public Uri? ControlUrl { get; init; }

    /// <summary>The Bearer token of the control plane's admin calls: AppHost's own <c>Control__AdminToken</c>, or a fresh random one.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The name under which services look up Redis: <c>ConnectionStrings:redis</c>.</summary>
    public const string RedisConnectionName = "redis";

    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string AdminTokenVariable = "Control__AdminToken";

    public static Wiring Create(string redisConnection, bool redisIsOwn, AppHostOptions options) => new(
        redisConnection,
        new Uri($"http://localhost:{options.IngestPort}"),
        new Uri($"http://localhost:{options.DeliveryPort}"),
        redisIsOwn)
    {
        ControlUrl = new Uri($"http://localhost:{options.ControlPort}"),
        AdminToken = Environment.GetEnvironmentVariable(AdminTokenVariable) is { Length: > 0 } given
            ? given
            : RandomNumberGenerator.GetHexString(64, lowercase: true),
    };

    /// <summary>The environment of the service called <paramref name="serviceName"/> (<c>ingest</c>, <c>delivery</c>).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string serviceName)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"ConnectionStrings__{RedisConnectionName}"] = RedisConnection,
            ["OTEL_SERVICE_NAME"] = serviceName,
            // Service discovery: each service can reach the other by name (http://delivery).
            ["services__ingest__http__0"] = Origin(IngestUrl),
            ["services__delivery__http__0"] = Origin(DeliveryUrl),
            ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } configured
                ? configured
                : "Development",
        };

        if (serviceName == "ingest" && ControlUrl is not null)
        {
            environment["Control__Url"] = Origin(ControlUrl);
            if (AdminToken is not null)
            {
                environment[AdminTokenVariable] = AdminToken;
            }
        }

        // Telemetry goes where AppHost's own environment says (e.g. a local Aspire dashboard), and nowhere otherwise.
        if (Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 } otlpEndpoint)
        {
            environment[OtlpEndpointVariable] = otlpEndpoint;
        }

        return environment;
    }

    /// <summary><c>http://localhost:5000</c>, without the trailing slash <see cref="Uri.ToString"/> adds.</summary>
    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
}
