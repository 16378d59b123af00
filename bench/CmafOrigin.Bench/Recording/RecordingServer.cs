using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CmafOrigin.Bench.Http;

namespace CmafOrigin.Bench.Recording;

/// <summary>
/// A minimal HTTP/1.1 server that ffmpeg's DASH muxer pushes to: it keeps every uploaded object with each HTTP
/// chunk exactly as ffmpeg framed it and when its last byte arrived, so a replay can keep the real chunk sizes and timing.
/// </summary>
internal sealed class RecordingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private Task _accepting = Task.CompletedTask;
    private bool _disposed;

    public List<RecordedObject> Objects { get; } = [];

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_gate)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = new WireReader(stream);
        try
        {
            while (await reader.ReadHeadAsync(_stop.Token) is { } head)
            {
                var parts = head.StartLine.Split(' ');
                var started = Stopwatch.GetElapsedTime(_origin);
                var recorded = new RecordedObject(parts[0], parts[1].TrimStart('/'), started);
                await reader.ReadBodyAsync(
                    head,
                    chunk => recorded.Chunks.Add(new RecordedChunk(Stopwatch.GetElapsedTime(_origin) - started, chunk.ToArray())),
                    _stop.Token);
                recorded.Complete = true;
                lock (_gate)
                {
                    Objects.Add(recorded);
                }

                var status = parts[0] == "DELETE" ? "200 OK" : "201 Created";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n"), _stop.Token);
                if (!head.KeepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or EndOfStreamException or SocketException)
        {
            // ffmpeg closed the connection, or the recording is over.
        }
    }
}

/// <summary>One upload ffmpeg made: method, path, when its head arrived and each HTTP chunk of its body.</summary>
internal sealed class RecordedObject(string method, string path, TimeSpan startedAt)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public TimeSpan StartedAt { get; } = startedAt;

    public List<RecordedChunk> Chunks { get; } = [];

    public bool Complete { get; set; }
}

/// <summary>One HTTP chunk and when its last byte arrived, after the request head.</summary>
internal sealed record RecordedChunk(TimeSpan Offset, byte[] Data);
