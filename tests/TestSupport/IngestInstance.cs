using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>One more Ingest.Api instance.</summary>
public sealed class IngestInstance : ServiceInstance<Ingest.Program>
{
    internal IngestInstance(WebApplicationFactory<Ingest.Program> factory, Uri uri, Uri controlUri)
        : base(factory, uri) => ControlUri = controlUri;

    /// <summary>This instance's control plane (gRPC over cleartext HTTP/2), with the host's admin token.</summary>
    public Uri ControlUri { get; }
}
