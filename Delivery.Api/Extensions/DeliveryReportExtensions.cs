using CmafOrigin.Delivery.Reports;

namespace CmafOrigin.Delivery.Extensions;

internal static class DeliveryReportExtensions
{
    /// <summary>Per-channel tallies on the viewer path and the reporter that writes them to Redis for every other instance and tool to read.</summary>
    public static IHostApplicationBuilder AddDeliveryReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryReportOptions>()
            .BindConfiguration(DeliveryReportOptions.SectionName)
            .Validate(options => options.ReportInterval > TimeSpan.Zero, "Delivery:ReportInterval must be positive");
        builder.Services.AddSingleton<DeliveryTallies>();
        builder.Services.AddSingleton<ReportMetrics>();
        builder.Services.AddSingleton<DeliveryReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryReporter>());
        return builder;
    }
}
