using System.Diagnostics.Metrics;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Delivery.Reports;

/// <summary>
/// <c>cmaforigin.delivery.reports</c> on the Delivery meter: an instance that cannot report drops out of every
/// total (viewers in the catalog, latency on /status), so its failures are worth an alert of their own.
/// </summary>
internal sealed class ReportMetrics
{
    private static readonly KeyValuePair<string, object?> Written = new("outcome", "written");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    private readonly Counter<long> _reports;

    public ReportMetrics(IMeterFactory meters)
    {
        // The factory hands out the one Delivery meter: these instruments sit next to DeliveryMetrics' own.
        var meter = meters.Create(OriginTelemetry.DeliveryName);
        _reports = meter.CreateCounter<long>("cmaforigin.delivery.reports", "{report}", "Delivery instance reports written to Redis, tagged outcome (written, failed)");
    }

    public void ReportWritten() => _reports.Add(1, Written);

    public void ReportFailed() => _reports.Add(1, Failed);
}
