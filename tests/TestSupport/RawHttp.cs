using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Sends a request byte for byte over a plain socket. HttpClient normalises what it sends
/// (<c>%2e%2e</c> and <c>..</c> segments are resolved before the request leaves), so requests
/// an attacker would send need this to reach the server unchanged.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, without the blank line) and an optional body; returns the status code.</summary>
    public static async Task<int> SendAsync(Uri server, string head, byte[]? body, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        await using var stream = client.GetStream();
        var request = new StringBuilder(head.TrimEnd('\r', '\n'))
            .Append("\r\nHost: ").Append(server.Authority)
            .Append("\r\nConnection: close");
        if (body is not null)
        {
            request.Append("\r\nContent-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture));
        }

        request.Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);
        if (body is not null)
        {
            await stream.WriteAsync(body, cancellationToken);
        }

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(15), cancellationToken)
            ?? throw new IOException("the server closed the connection without answering");
        return int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
