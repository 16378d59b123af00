using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>One more Delivery.Api process-alike on real Kestrel, sharing an <see cref="OriginHost"/>'s Redis and key prefix.</summary>
public sealed class DeliveryInstance : IAsyncDisposable
{
    private readonly WebApplicationFactory<Delivery.Program> _factory;

    internal DeliveryInstance(WebApplicationFactory<Delivery.Program> factory, Uri uri)
    {
        _factory = factory;
        Uri = uri;
        Client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Uri { get; }

    /// <summary>A client of this instance, as a player.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Stops the instance gracefully (hosted services' StopAsync run).</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
