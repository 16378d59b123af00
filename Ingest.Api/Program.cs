using CmafOrigin.Ingest.Apis;
using CmafOrigin.Ingest.Extensions;
using CmafOrigin.ServiceDefaults;

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

        var app = builder.Build();

        app.MapDefaultEndpoints();
        app.MapIngestApi();
        app.MapControlApi();

        app.Run();
    }
}
