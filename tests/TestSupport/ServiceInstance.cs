using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>
/// One more service process-alike (Ingest, Delivery, the archive writer) on real Kestrel, sharing an
/// <see cref="OriginHost"/>'s Redis and key prefix.
/// </summary>
public abstract class ServiceInstance<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly WebApplicationFactory<TProgram> _factory;

    private protected ServiceInstance(WebApplicationFactory<TProgram> factory, Uri uri)
    {
        _factory = factory;
        Uri = uri;
        Client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Uri { get; }

    /// <summary>A client of this instance (as an encoder for Ingest, as a player for Delivery; /health for any).</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Stops the instance gracefully: its hosted services' StopAsync run (uploads drained, runs left live on disk).</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
