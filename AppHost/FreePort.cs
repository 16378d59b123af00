using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CmafOrigin.AppHost;

/// <summary>A free loopback port for a child that binds it later (redis-server).</summary>
internal static class FreePort
{
    private const int LowestPort = 20000;

    /// <remarks>
    /// Below the kernel's ephemeral range when it can: a port the kernel hands out (bind to 0) is also what every
    /// outgoing connection takes as its local port, and on a busy machine one did take it between this pick and the
    /// child's bind (redis-server then exits: "Address already in use"). Below that range only another listener can,
    /// which is rare enough to accept.
    /// </remarks>
    public static int Pick()
    {
        if (EphemeralRangeStart() is { } ephemeral && ephemeral > LowestPort + 1000)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, ephemeral);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int? EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
