using System.Net.Sockets;

namespace CmafOrigin.Bench.Load;

internal static class LoopbackSockets
{
    /// <summary>A connected TCP socket with Nagle off, as an encoder or a low-latency player would use.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
