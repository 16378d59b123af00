using CmafOrigin.Delivery.Apis;
using CmafOrigin.Delivery.Extensions;
using CmafOrigin.Delivery.Hls;
using CmafOrigin.Delivery.Http;
using CmafOrigin.ServiceDefaults;
using CmafOrigin.ServiceDefaults.Http;

namespace CmafOrigin.Delivery;

/// <summary>Serves what Ingest publishes: whole objects once complete, chunk by chunk while they upload.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddDeliveryServices();
        builder.AddSignedPlayback();
        builder.AddLowLatencyHls();
        builder.AddArchiveDelivery();

        var app = builder.Build();

        app.UseRequestGuard();
        app.UseCrossOriginHeaders();
        app.MapDefaultEndpoints();
        app.MapTimeApi();
        app.MapManifestsApi();
        app.MapPlayerApi();
        app.MapStatusApi();
        app.MapArchiveApi();
        app.MapDeliveryApi();

        app.Run();
    }
}
