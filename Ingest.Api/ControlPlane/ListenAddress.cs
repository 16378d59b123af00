using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CmafOrigin.Ingest.Control;

/// <summary>
/// Kestrel endpoints from URLs (<c>http://localhost:5000</c>, <c>http://*:5002</c>, <c>http://127.0.0.1:0</c>), the way
/// Kestrel reads its <c>Urls</c> setting: Ingest lists its endpoints in code (one of them is the control plane, with
/// its own protocol), and explicit endpoints replace <c>Urls</c>, so Ingest binds the <c>Urls</c> itself too.
/// </summary>
internal static class ListenAddress
{
    public static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var address = BindingAddress.Parse(url);
        if (address.IsUnixPipe)
        {
            kestrel.ListenUnixSocket(address.UnixPipePath, Https(address, configure));
            return;
        }

        var host = address.Host;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel cannot pick a free port for "localhost" (two addresses); 0 means one loopback port.
            if (address.Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, Https(address, configure));
            }
            else
            {
                kestrel.ListenLocalhost(address.Port, Https(address, configure));
            }
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, Https(address, configure));
        }
        else
        {
            // "*", "+" or a host name: every interface, as Kestrel does with such a URL.
            kestrel.ListenAnyIP(address.Port, Https(address, configure));
        }
    }

    private static Action<ListenOptions> Https(BindingAddress address, Action<ListenOptions> configure) => options =>
    {
        if (string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            options.UseHttps();
        }

        configure(options);
    };
}
