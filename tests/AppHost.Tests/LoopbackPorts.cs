using System.Net;
using System.Net.Sockets;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// Ports for the services under test. Kestrel binds <c>localhost</c> on both 127.0.0.1 and [::1],
/// so a port is only handed out when it is free on both.
/// </summary>
internal static class LoopbackPorts
{
    public static int Pick(int except = 0)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = FreePort.Pick();
            if (port != except && (!Socket.OSSupportsIPv6 || IsFree(IPAddress.IPv6Loopback, port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no port free on both IPv4 and IPv6 loopback");
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
