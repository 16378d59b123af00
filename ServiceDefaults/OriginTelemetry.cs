namespace CmafOrigin.ServiceDefaults;

/// <summary>Names of the origin's own meters and activity sources, registered with OpenTelemetry.</summary>
public static class OriginTelemetry
{
    public const string IngestName = "CmafOrigin.Ingest";
    public const string DeliveryName = "CmafOrigin.Delivery";
    public const string RedisName = "CmafOrigin.Redis";
    public const string ArchiveName = "CmafOrigin.Archive";

    /// <summary>Grpc.Net.Client's activity source: one <c>Grpc.Net.Client.GrpcOut</c> client span per call.</summary>
    public const string GrpcClientSourceName = "Grpc.Net.Client";

    /// <summary>Kestrel's memory pool instruments updated per 4 KiB block rented or returned: not collected.</summary>
    internal static readonly string[] PerBlockPoolInstruments = ["aspnetcore.memory_pool.pooled", "aspnetcore.memory_pool.rented"];

    internal static readonly string[] MeterNames = [IngestName, DeliveryName, RedisName, ArchiveName];
    internal static readonly string[] ActivitySourceNames = [IngestName, DeliveryName];
}
