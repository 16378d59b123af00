using System.Net;
using System.Net.Sockets;

namespace CmafOrigin.AppHost;

/// <summary>Picks a loopback port nobody listens on.</summary>
internal static class FreePort
{
    /// <remarks>The port is free when this returns; another process could still take it before the child binds it, which is rare enough to accept.</remarks>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
