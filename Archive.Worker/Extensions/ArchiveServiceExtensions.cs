using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.ServiceDefaults;
using Microsoft.Extensions.Options;

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
        builder.Services.AddSingleton<RunFinalizer>();
        return builder;
    }
}
