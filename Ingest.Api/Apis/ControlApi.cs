using CmafOrigin.Ingest.Control;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Apis;

/// <summary>
/// The control plane's gRPC services (ChannelCatalog, OriginAdmin, grpc.health.v1, reflection), served only on
/// the control endpoint; the ingest API only on the ingest endpoint.
/// </summary>
internal static class ControlApi
{
    public static WebApplication MapControlApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ControlOptions>>().Value;
        if (string.IsNullOrEmpty(options.AdminToken))
        {
            ControlLog.Anonymous(app.Logger, options.Url);
        }

        // Each request is answered only by the endpoints of the listener that accepted its connection.
        app.Use((context, next) =>
        {
            var onControlPort = context.Features.Get<ControlPlaneConnection>() is not null;
            var forControlPort = context.GetEndpoint()?.Metadata.GetMetadata<ControlPlaneEndpoint>() is not null;
            if (onControlPort != forControlPort)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

        app.MapGrpcService<ChannelCatalogService>().WithMetadata(ControlPlaneEndpoint.Instance);
        app.MapGrpcService<OriginAdminService>().WithMetadata(ControlPlaneEndpoint.Instance);
        app.MapGrpcHealthChecksService().WithMetadata(ControlPlaneEndpoint.Instance);
        app.MapGrpcReflectionService().WithMetadata(ControlPlaneEndpoint.Instance);
        return app;
    }
}
