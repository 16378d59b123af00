using System.Diagnostics.Metrics;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Status;
using CmafOrigin.ServiceDefaults;
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
        builder.Services.AddSingleton(sp =>
        {
            var feed = ActivatorUtilities.CreateInstance<StatusFeed>(sp);
            sp.GetRequiredService<IMeterFactory>().Create(OriginTelemetry.DeliveryName).CreateObservableGauge(
                "cmaforigin.delivery.status.pages", () => feed.Watchers, "{page}", "/status pages open on this instance, each following /status/events");
            return feed;
        });
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatusFeed>());
        return builder;
    }
}
