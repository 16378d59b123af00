namespace CmafOrigin.Ingest.Control;

/// <summary>The control plane: gRPC on a cleartext HTTP/2 endpoint of its own (section <c>Control</c>).</summary>
public sealed class ControlOptions
{
    public const string SectionName = "Control";

    /// <summary>Where ChannelCatalog, OriginAdmin, gRPC health and reflection listen (h2c, no TLS).</summary>
    public string Url { get; set; } = "http://localhost:5002";

    /// <summary>The Bearer token every ChannelCatalog and OriginAdmin call must carry. Never logged.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Allows running without <see cref="AdminToken"/> outside Development: anyone reaching the port may purge.</summary>
    public bool AllowAnonymous { get; set; }
}
