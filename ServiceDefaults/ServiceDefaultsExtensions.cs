using CmafOrigin.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CmafOrigin.ServiceDefaults;

/// <summary>
/// What every CmafOrigin service sets up the same way, after the Aspire ServiceDefaults template:
/// OpenTelemetry logs, metrics and traces (OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set),
/// health checks, service discovery and resilient HttpClient defaults.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string MetricsPath = "/metrics";

    /// <summary>The standard gRPC health service (grpc.health.v1), probed as often as <see cref="HealthPath"/>.</summary>
    public const string GrpcHealthPath = "/grpc.health.v1.Health";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddKestrelLimits();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OriginTelemetry.MeterNames)
                // Kestrel counts every 4 KiB block of its memory pool rented and returned: a fan-out burst moves
                // hundreds of thousands of them, and measuring each cost Delivery more CPU than all its own metrics.
                // Dropped, they are never enabled; what the pool allocated and evicted is still measured.
                .AddView(instrument => OriginTelemetry.PerBlockPoolInstruments.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : null)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(OriginTelemetry.ActivitySourceNames)
                // A gRPC call a service makes: Grpc.Net.Client's own span (grpc.method, grpc.status_code), parent of the
                // HttpClient span of its HTTP/2 request; without it that request's parent would be a span never exported.
                .AddSource(OriginTelemetry.GrpcClientSourceName)
                // gRPC calls on the control plane are ASP.NET Core requests: one server span each.
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes and scrapes every few seconds would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthPath)
                        && !context.Request.Path.StartsWithSegments(AlivePath)
                        && !context.Request.Path.StartsWithSegments(MetricsPath)
                        && !context.Request.Path.StartsWithSegments(GrpcHealthPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready (every check passes, Redis included); <c>/alive</c>: the process runs;
    /// <c>/metrics</c>: Prometheus scrape of the origin's meters.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteStatus });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteStatus,
        });

        return app;
    }

    internal const string LiveTag = "live";

    private static Task WriteStatus(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(report.Status.ToString());
    }
}
