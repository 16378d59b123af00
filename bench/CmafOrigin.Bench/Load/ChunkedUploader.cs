using System.Globalization;
using System.Net.Sockets;
using System.Text;
using CmafOrigin.Bench.Http;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// One encoder connection, speaking HTTP/1.1 the way ffmpeg's DASH muxer does (-method PUT -http_persistent 1):
/// the request head goes out when the segment starts, then one HTTP chunk per CMAF chunk, each in one send,
/// then the terminating chunk; the connection is kept alive for the next object.
/// Raw sockets, so what goes on the wire and when each chunk was handed to the kernel are exact.
/// </summary>
internal sealed class ChunkedUploader(string host, int port) : IAsyncDisposable
{
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    private Socket? _socket;
    private NetworkStream? _stream;
    private WireReader? _reader;

    /// <summary>
    /// Uploads <paramref name="segment"/> to <paramref name="path"/> paced like the recording: the head at
    /// <paramref name="start"/>, chunk i at start + its recorded offset. Fills <paramref name="sent"/> with the
    /// timestamp taken just before each chunk was written, and returns the status code.
    /// </summary>
    public async Task<int> PutPacedAsync(string path, SegmentTemplate segment, long start, SegmentSends sent, CancellationToken cancellationToken)
    {
        var stream = await ConnectAsync(cancellationToken);
        try
        {
            sent.HeadSent = BenchClock.Now;
            await stream.WriteAsync(Head(path), cancellationToken);
            for (var i = 0; i < segment.Frames.Length; i++)
            {
                await BenchClock.DelayUntilAsync(start + BenchClock.Ticks(segment.ChunkOffsets[i]), cancellationToken);
                sent.Chunks[i] = BenchClock.Now;
                await stream.WriteAsync(segment.Frames[i], cancellationToken);
            }

            await stream.WriteAsync(LastChunk, cancellationToken);
            return await ReadResponseAsync(cancellationToken);
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>Uploads a small object at once (init segment, manifest) as one HTTP chunk, as ffmpeg does.</summary>
    public async Task<int> PutWholeAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        var stream = await ConnectAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(Head(path), cancellationToken);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{body.Length.ToString("x", CultureInfo.InvariantCulture)}\r\n"), cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray(), cancellationToken);
            return await ReadResponseAsync(cancellationToken);
        }
        catch
        {
            Close();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private byte[] Head(string path) => Encoding.ASCII.GetBytes(
        $"PUT {path} HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\nAccept: */*\r\nConnection: keep-alive\r\n" +
        $"Host: {host}:{port.ToString(CultureInfo.InvariantCulture)}\r\nIcy-MetaData: 1\r\nTransfer-Encoding: chunked\r\n\r\n");

    private async Task<int> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var head = await _reader!.ReadHeadAsync(cancellationToken) ?? throw new IOException("Ingest closed the connection without answering");
        await _reader.ReadBodyAsync(head, null, cancellationToken);
        if (!head.KeepAlive)
        {
            Close();
        }

        return head.StatusCode;
    }

    private async Task<NetworkStream> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_stream is not null)
        {
            return _stream;
        }

        var socket = await LoopbackSockets.ConnectAsync(host, port, cancellationToken);

        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new WireReader(_stream);
        return _stream;
    }

    private void Close()
    {
        _stream?.Dispose();
        _socket?.Dispose();
        _stream = null;
        _socket = null;
        _reader = null;
    }
}

/// <summary>When the encoder sent the head and each chunk of one segment (timestamps of <see cref="BenchClock"/>; 0 = not yet).</summary>
internal sealed class SegmentSends(int chunks)
{
    public long HeadSent { get; set; }

    public long[] Chunks { get; } = new long[chunks];
}
