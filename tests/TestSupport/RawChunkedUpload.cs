using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A chunked upload over a plain socket: its head goes out at once (HttpClient holds it until the first
/// body bytes), and answers that come before the body ends (413, 408) can be read (HttpClient reads a
/// response only after it has sent the whole request body).
/// </summary>
public sealed class RawChunkedUpload : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawChunkedUpload(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawChunkedUpload> StartAsync(Uri server, string path, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        var upload = new RawChunkedUpload(client);
        var head = $"PUT {path} HTTP/1.1\r\nHost: {server.Authority}\r\nTransfer-Encoding: chunked\r\n\r\n";
        await upload._stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        return upload;
    }

    /// <summary>Sends one HTTP chunk.</summary>
    public async Task SendChunkAsync(byte[] data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
        await _stream.WriteAsync(data, cancellationToken);
        await _stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Sends bytes as they are, outside any chunk framing (a broken encoder, or an attacker).</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Ends the body with the terminating zero-length chunk.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads the status line and headers of the server's answer.</summary>
    public async Task<(int Status, IReadOnlyList<string> Headers)> ReadAnswerAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var reader = new StreamReader(_stream, Encoding.ASCII, leaveOpen: true);
        var wait = timeout ?? TimeSpan.FromSeconds(15);
        var statusLine = await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(wait, cancellationToken)
            ?? throw new IOException("the server closed the connection without answering");
        var headers = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(wait, cancellationToken) is { Length: > 0 } header)
        {
            headers.Add(header);
        }

        return (int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture), headers);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
