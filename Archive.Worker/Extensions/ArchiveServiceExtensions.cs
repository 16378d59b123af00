using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Archive.Following;
using CmafOrigin.Archive.Recording;
using CmafOrigin.Archive.Retention;
using CmafOrigin.Archive.Telemetry;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.ServiceDefaults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Extensions;

internal static class ArchiveServiceExtensions
{
    public static IHostApplicationBuilder AddArchiveServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");

        builder.Services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ArchiveStorageOptions>().BindConfiguration(ArchiveStorageOptions.SectionName);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ObjectKeys(sp.GetRequiredService<IOptions<StorageOptions>>().Value.KeyPrefix));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ArchiveStorageOptions>>().Value.Layout());
        builder.Services.AddSingleton(sp => new ChannelLease(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<ObjectKeys>(),
            sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.WriterId ?? $"{Environment.MachineName}-{Environment.ProcessId}",
            sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.LeaseTime));
        builder.Services.AddSingleton<StoredObjects>();
        builder.Services.AddSingleton<RunFinalizer>();
        builder.Services.AddSingleton<ArchiveMetrics>();
        builder.Services.AddSingleton<ArchiveHealth>();
        builder.Services.AddSingleton<ArchiveRetention>();
        builder.Services.AddSingleton<ArchiveWriterContext>();
        builder.Services.AddHostedService<ArchiveCoordinator>();
        builder.Services.AddHealthChecks().AddCheck<ArchiveHealth>("archive");
        return builder;
    }
}
