namespace CmafOrigin.AppHost;

/// <summary>Where encoders, players and operators reach the origin: the fixed ports the AppHost gives its services.</summary>
internal sealed record OriginAddresses(Uri Ingest, Uri Delivery, Uri Control)
{
    public static OriginAddresses From(AppHostOptions options) => new(
        Local(options.IngestPort),
        Local(options.DeliveryPort),
        Local(options.ControlPort));

    /// <summary><c>http://localhost:5000</c>, without the trailing slash <see cref="Uri.ToString"/> adds.</summary>
    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private static Uri Local(int port) => new($"http://localhost:{port}");
}
