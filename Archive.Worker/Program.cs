using CmafOrigin.Archive.Extensions;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Archive;

/// <summary>Reads every channel's completed segments from Redis and appends them to the run's archive files.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddArchiveServices();

        var app = builder.Build();

        app.MapDefaultEndpoints();

        app.Run();
    }
}
