namespace CmafOrigin.ServiceDefaults;

/// <summary>Names of the origin's own meters and activity sources, registered with OpenTelemetry.</summary>
public static class OriginTelemetry
{
    public const string IngestName = "CmafOrigin.Ingest";
    public const string DeliveryName = "CmafOrigin.Delivery";

    internal static readonly string[] MeterNames = [IngestName, DeliveryName];
    internal static readonly string[] ActivitySourceNames = [IngestName, DeliveryName];
}
