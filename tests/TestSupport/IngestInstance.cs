using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>One more Ingest.Api process-alike on real Kestrel, sharing an <see cref="OriginHost"/>'s Redis and key prefix.</summary>
public sealed class IngestInstance : IAsyncDisposable
{
    private readonly WebApplicationFactory<Ingest.Program> _factory;

    internal IngestInstance(WebApplicationFactory<Ingest.Program> factory, Uri uri, Uri controlUri)
    {
        _factory = factory;
        Uri = uri;
        ControlUri = controlUri;
        Client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Uri { get; }

    /// <summary>This instance's control plane (gRPC over cleartext HTTP/2), with the host's admin token.</summary>
    public Uri ControlUri { get; }

    /// <summary>A client of this instance, as an encoder.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Stops the instance gracefully (its uploads drained).</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
