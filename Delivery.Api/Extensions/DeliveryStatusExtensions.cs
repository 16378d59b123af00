using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Status;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Extensions;

internal static class DeliveryStatusExtensions
{
    /// <summary>The /status page's feed, reading the catalog and every instance's report from Redis.</summary>
    public static IHostApplicationBuilder AddStatusPage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StatusOptions>()
            .BindConfiguration(StatusOptions.SectionName)
            .Validate(options => options.StatusInterval > TimeSpan.Zero, "Delivery:StatusInterval must be positive");
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.SectionName);
        builder.Services.AddSingleton(sp => new ChannelCatalogReader(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<ObjectKeys>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<CatalogOptions>>().Value));
        builder.Services.AddSingleton(sp => new DeliveryReportReader(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<ObjectKeys>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<StatusFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatusFeed>());
        return builder;
    }
}
