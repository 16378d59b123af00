using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CmafOrigin.Originctl.Telemetry;

/// <summary>
/// originctl's traces, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set as for the services: one span per command, the
/// gRPC calls as its HTTP client spans, and their context carried to the control plane, so an operator's purge shows
/// in the dashboard next to what it did on the origin.
/// </summary>
internal static class OriginctlTracing
{
    public const string SourceName = "CmafOrigin.Originctl";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>A provider exporting over OTLP, or null when no endpoint is configured (nothing is traced then).</summary>
    public static TracerProvider? Start(Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return null;
        }

        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(environment("OTEL_SERVICE_NAME") ?? "originctl"))
            .AddSource(SourceName)
            // Each gRPC call's own span (grpc.method, grpc.status_code), then its HTTP/2 request.
            .AddSource("Grpc.Net.Client")
            .AddHttpClientInstrumentation()
            // The endpoint and protocol come from the OTEL_EXPORTER_OTLP_* variables; a collector that is away costs
            // at most this long at exit, never the command's result.
            .AddOtlpExporter(otlp => otlp.TimeoutMilliseconds = 3000)
            .Build();
    }
}
