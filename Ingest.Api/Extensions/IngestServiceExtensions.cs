using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Channels;
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
        builder.Services.AddSingleton<ChannelTemplates>();
        builder.Services.AddSingleton<ObjectStore>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<UploadReceiver>();
        return builder;
    }
}
