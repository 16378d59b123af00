using System.Globalization;
using System.Text;

namespace CmafOrigin.Bench.Http;

/// <summary>
/// Reads HTTP/1.1 framing off a stream: lines, exact byte counts, message heads and bodies (Content-Length or chunked).
/// Enough for the recorder (requests from ffmpeg) and the raw encoder (responses from Ingest); not a general parser.
/// </summary>
internal sealed class WireReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>One line without its CRLF, or null when the stream ended before any byte of it.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line.Append(Encoding.ASCII.GetString(span[..newline]));
                _start += newline + 1;
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line.Length--;
                }

                return line.ToString();
            }

            line.Append(Encoding.ASCII.GetString(span));
            _start = _end;
            if (!await FillAsync(cancellationToken))
            {
                return line.Length == 0 ? null : throw new EndOfStreamException("the stream ended inside a line");
            }
        }
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (destination.Length > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("the stream ended inside a body");
            }

            var take = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, take).CopyTo(destination);
            _start += take;
            destination = destination[take..];
        }
    }

    /// <summary>A message head: the start line and the headers (names lower-cased), or null at a clean end of stream.</summary>
    public async ValueTask<MessageHead?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var startLine = await ReadLineAsync(cancellationToken);
        if (startLine is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return new MessageHead(startLine, headers);
    }

    /// <summary>Reads a body framed by <paramref name="head"/>, calling <paramref name="onChunk"/> for each HTTP chunk (or the whole Content-Length body).</summary>
    public async ValueTask ReadBodyAsync(MessageHead head, Action<ReadOnlyMemory<byte>>? onChunk, CancellationToken cancellationToken)
    {
        if (head.IsChunked)
        {
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the stream ended before a chunk");
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var size = int.Parse(semicolon >= 0 ? sizeLine[..semicolon] : sizeLine, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    // Trailers, then the empty line.
                    while (await ReadLineAsync(cancellationToken) is { Length: > 0 })
                    {
                    }

                    return;
                }

                var chunk = new byte[size];
                await ReadExactlyAsync(chunk, cancellationToken);
                onChunk?.Invoke(chunk);
                if (await ReadLineAsync(cancellationToken) is not { Length: 0 })
                {
                    throw new InvalidDataException("a chunk did not end with CRLF");
                }
            }
        }

        if (head.ContentLength is > 0 and var length)
        {
            var body = new byte[length];
            await ReadExactlyAsync(body, cancellationToken);
            onChunk?.Invoke(body);
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }
}

/// <summary>The start line and headers of an HTTP/1.1 message.</summary>
internal sealed record MessageHead(string StartLine, IReadOnlyDictionary<string, string> Headers)
{
    public bool IsChunked => Headers.TryGetValue("transfer-encoding", out var value) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase);

    public long? ContentLength => Headers.TryGetValue("content-length", out var value)
        ? long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture)
        : null;

    public bool KeepAlive => !(Headers.TryGetValue("connection", out var value) && value.Contains("close", StringComparison.OrdinalIgnoreCase));

    /// <summary>The status code of a response head.</summary>
    public int StatusCode => int.Parse(StartLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
}
