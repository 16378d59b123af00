using CmafOrigin.Contracts.Archive;
using CmafOrigin.Delivery.Archive;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Extensions;

internal static class ArchiveExtensions
{
    /// <summary>
    /// The archive Archive.Worker writes (<c>Archive:Directory</c>, the same directory for both): the listing and final
    /// files of <see cref="Apis.ArchiveApi"/>, and with <c>Delivery:DvrWindow</c> the live run's segments for DVR.
    /// </summary>
    public static IHostApplicationBuilder AddArchiveDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ArchiveStorageOptions>().BindConfiguration(ArchiveStorageOptions.SectionName);
        builder.Services.AddOptions<DeliveryOptions>()
            .Validate(options => options.DvrWindow >= TimeSpan.Zero, "Delivery:DvrWindow must not be negative (zero switches DVR off)")
            .ValidateOnStart();
        builder.Services.Configure<RouteOptions>(routes => routes.SetParameterPolicy<ArchiveRouteConstraint>(ArchiveRouteConstraint.Name));

        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ArchiveStorageOptions>>().Value.Layout());
        builder.Services.AddSingleton<ArchiveListing>();
        builder.Services.AddSingleton<ArchiveFileResponder>();
        builder.Services.AddSingleton<LiveRuns>();
        builder.Services.AddSingleton<DvrFallback>();
        return builder;
    }
}
