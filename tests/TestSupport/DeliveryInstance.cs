using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>One more Delivery.Api instance.</summary>
public sealed class DeliveryInstance : ServiceInstance<Delivery.Program>
{
    internal DeliveryInstance(WebApplicationFactory<Delivery.Program> factory, Uri uri)
        : base(factory, uri)
    {
    }
}
