using System.Globalization;

namespace CmafOrigin.Delivery.Reports;

/// <summary>How this Delivery instance reports itself on Redis (section <c>Delivery</c>, next to <see cref="DeliveryOptions"/>).</summary>
public sealed class DeliveryReportOptions
{
    public const string SectionName = DeliveryOptions.SectionName;

    /// <summary>How often the report is written; it lives on Redis for three intervals, so a dead instance drops out on its own.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>This instance's name in the reports; empty means host name and process id.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>How long a report stays on Redis without being renewed.</summary>
    public TimeSpan ReportLifetime => ReportInterval * 3;

    /// <summary>The configured id, or <c>host-pid</c>: stable for the life of the process, distinct between processes.</summary>
    public string ResolveInstanceId() =>
        string.IsNullOrWhiteSpace(InstanceId)
            ? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}")
            : InstanceId.Trim();
}
