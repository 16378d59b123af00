using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection that GETs a URL over and over and throws the body away in the kernel
/// (recv with MSG_TRUNC discards TCP data without copying it to user space). At 1 MiB per response the client
/// must cost far less than the server it measures; an HttpClient reading into a buffer costs about as much as
/// nginx itself. Only Content-Length responses (what both servers send for a complete object).
/// </summary>
internal sealed class DiscardingGetClient(string host, int port, string path) : IDisposable
{
    private readonly byte[] _request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}:{port.ToString(CultureInfo.InvariantCulture)}\r\nAccept: */*\r\n\r\n");
    private readonly byte[] _head = new byte[16 * 1024];
    private readonly byte[] _discard = new byte[1024 * 1024];
    private Socket? _socket;

    /// <summary>One request; returns the status code and the body length received.</summary>
    public async Task<(int Status, long BodyBytes)> GetAsync(CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(cancellationToken);
        try
        {
            await socket.SendAsync(_request, SocketFlags.None, cancellationToken);
            var filled = 0;
            int headEnd;
            while ((headEnd = _head.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = await socket.ReceiveAsync(_head.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the server closed the connection");
                }

                filled += read;
            }

            var head = Encoding.ASCII.GetString(_head, 0, headEnd);
            var status = int.Parse(head.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            var length = ContentLength(head) ?? throw new InvalidDataException("no Content-Length");
            long received = filled - (headEnd + 4);
            while (received < length)
            {
                var want = (int)Math.Min(length - received, _discard.Length);
                var read = await socket.ReceiveAsync(_discard.AsMemory(0, want), SocketFlags.Truncated, cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the server closed the connection mid-body");
                }

                received += read;
            }

            if (head.Contains("Connection: close", StringComparison.OrdinalIgnoreCase))
            {
                Dispose();
            }

            return (status, received);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private static long? ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan(15).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            return _socket;
        }

        var socket = await LoopbackSockets.ConnectAsync(host, port, cancellationToken);

        _socket = socket;
        return socket;
    }
}
