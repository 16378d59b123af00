using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Telemetry;
using CmafOrigin.Ingest.Uploads;
using CmafOrigin.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Extensions;

internal static class IngestServiceExtensions
{
    public static IHostApplicationBuilder AddIngestServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");

        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.SectionName);
        builder.Services.AddProblemDetails();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ObjectKeys(sp.GetRequiredService<IOptions<StorageOptions>>().Value.KeyPrefix));
        builder.Services.AddSingleton<ManifestIndex>();
        builder.Services.AddSingleton<EncoderSwitchWatch>();
        builder.Services.AddSingleton<ChannelTemplates>();
        builder.Services.AddSingleton<ObjectStore>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<UploadSlots>();
        builder.Services.AddSingleton<PendingAborts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PendingAborts>());
        builder.Services.AddSingleton<InitSegmentCopies>();
        builder.Services.AddSingleton<InitSegmentHealer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InitSegmentHealer>());
        builder.Services.AddSingleton<UploadReceiver>();

        // Graceful shutdown: Kestrel lets uploads in flight finish up to Ingest:ShutdownTimeout, then cuts
        // them; UploadDrain then waits for their abort markers while Redis is still connected.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<IngestOptions>>((host, ingest) => host.ShutdownTimeout = ingest.Value.ShutdownTimeout);
        builder.Services.AddHostedService<UploadDrain>();
        return builder;
    }
}
