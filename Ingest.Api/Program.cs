using CmafOrigin.Ingest.Apis;
using CmafOrigin.Ingest.Extensions;
using CmafOrigin.ServiceDefaults;
using CmafOrigin.ServiceDefaults.Http;

namespace CmafOrigin.Ingest;

/// <summary>Receives an encoder's uploads and publishes their bytes on Redis as they arrive.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddIngestServices();
        builder.AddControlPlane();
        builder.AddIngestAuth();

        var app = builder.Build();

        app.UseRequestGuard();
        app.MapDefaultEndpoints();
        app.MapIngestApi();
        app.MapControlApi();

        app.Run();
    }
}
