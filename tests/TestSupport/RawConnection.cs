using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.TestSupport;

/// <summary>
/// One TCP connection to a service, for requests no HTTP client would send: bytes go out exactly as given
/// (in as many writes as the test makes), and answers are read as they come, including the server closing.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawConnection> OpenAsync(Uri server, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port, cancellationToken).AsTask().WaitAsync(DefaultWait, cancellationToken);
        return new RawConnection(client);
    }

    /// <summary>Sends <paramref name="request"/> on a new connection and reads the one answer.</summary>
    public static async Task<RawResponse> ExchangeAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(server, cancellationToken);
        await connection.SendAsync(request, cancellationToken);
        return await connection.ReadResponseAsync(cancellationToken)
            ?? throw new IOException("the server closed the connection without answering");
    }

    /// <summary>Latin-1 bytes of <paramref name="text"/>: every char below 256 is one byte, as written.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Writes <paramref name="bytes"/> in one write; false when the server has closed the connection.</summary>
    public async Task<bool> SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).AsTask().WaitAsync(DefaultWait, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public Task<bool> SendAsync(string text, CancellationToken cancellationToken) => SendAsync(Bytes(text), cancellationToken);

    /// <summary>
    /// Reads one answer: status line, headers and body (by Content-Length or chunked; none for HEAD or
    /// when <paramref name="bodyless"/>). Null when the connection ends before a status line.
    /// </summary>
    public async Task<RawResponse?> ReadResponseAsync(CancellationToken cancellationToken, TimeSpan? timeout = null, bool bodyless = false)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultWait);
        var statusLine = await ReadLineAsync(deadline.Token);
        if (statusLine is null)
        {
            return null;
        }

        var parts = statusLine.Split(' ', 3);
        var headers = new List<KeyValuePair<string, string>>();
        while (await ReadLineAsync(deadline.Token) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var response = new RawResponse(int.Parse(parts[1], CultureInfo.InvariantCulture), headers, []);
        var status = response.Status;
        if (bodyless || status is 204 or 304 || (status >= 100 && status < 200))
        {
            return response;
        }

        using var body = new MemoryStream();
        if (response.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var sizeLine = await ReadLineAsync(deadline.Token) ?? throw new IOException("the chunked answer broke off");
                var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (await ReadLineAsync(deadline.Token) is { Length: > 0 })
                    {
                    }

                    break;
                }

                await ReadExactlyAsync(body, size, deadline.Token);
                await ReadLineAsync(deadline.Token);
            }
        }
        else if (response.Header("Content-Length") is { } length)
        {
            await ReadExactlyAsync(body, int.Parse(length, CultureInfo.InvariantCulture), deadline.Token);
        }
        else if (response.Closes)
        {
            // Neither length nor chunks (an answer to HTTP/1.0): the body ends where the connection does.
            while (_start < _end || await FillAsync(deadline.Token))
            {
                body.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
        }

        return response with { Body = body.ToArray() };
    }

    /// <summary>
    /// Reads until the server closes the connection (end of stream or reset) or <paramref name="timeout"/> passes;
    /// returns whether it closed and what arrived before.
    /// </summary>
    public async Task<(bool Closed, byte[] Received)> ReadToCloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        received.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(_buffer, deadline.Token);
                if (read == 0)
                {
                    return (true, received.ToArray());
                }

                received.Write(_buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, received.ToArray());
        }
        catch (IOException)
        {
            return (true, received.ToArray());
        }
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> one at a time, <paramref name="pause"/> apart (a slow-loris client), while
    /// waiting for the server to close; returns whether it closed within 15 s, what it sent, and when.
    /// </summary>
    public async Task<(bool Closed, byte[] Received, TimeSpan Lived)> TrickleUntilClosedAsync(byte[] bytes, TimeSpan pause, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var trickle = Task.Run(
            async () =>
            {
                foreach (var b in bytes)
                {
                    if (!await SendAsync([b], stop.Token))
                    {
                        return;
                    }

                    await Task.Delay(pause, stop.Token);
                }
            },
            stop.Token);

        var (closed, received) = await ReadToCloseAsync(TimeSpan.FromSeconds(15), cancellationToken);
        var lived = elapsed.Elapsed;
        await stop.CancelAsync();
        await trickle.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (closed, received, lived);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        }
        catch (IOException)
        {
            return false;
        }

        _end += read;
        return read > 0;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return line.Length == 0 ? null : throw new IOException("the connection ended mid-line");
            }

            var c = (char)_buffer[_start++];
            if (c == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append(c);
        }
    }

    private async Task ReadExactlyAsync(MemoryStream into, int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException("the connection ended mid-body");
            }

            var take = Math.Min(count, _end - _start);
            into.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }
}
