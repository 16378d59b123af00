using System.Net.Sockets;
using System.Text;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Viewers;

/// <summary>A live viewer that cannot keep up is cut off (reset, never a clean end) without slowing anyone else.</summary>
public sealed class LiveObjectFollowerTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_ViewerThatStopsReading_IsDisconnected_WhileOthersGetEveryByte()
    {
        var clock = new ObservedClock();
        var writeTimeout = TimeSpan.FromSeconds(7);
        await using var origin = await OriginHost.StartAsync(
            redis, new Dictionary<string, string?> { ["Delivery:ViewerWriteTimeout"] = writeTimeout.ToString() }, services => services.AddSingleton<TimeProvider>(clock));
        using var disconnects = new InstrumentCounter(origin.DeliveryServices, "cmaforigin.delivery.viewers.disconnected");
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 0), Cancellation);
        await using var normal = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        using var stalled = await OpenStalledViewerAsync(origin.DeliveryUri, path);

        // Far more than the stalled viewer's socket buffers and Kestrel's response buffer hold.
        var pieces = Enumerable.Range(1, 32).Select(i => TestPaths.Payload(256 * 1024, i)).ToArray();
        var total = 1000 + pieces.Sum(piece => piece.Length);
        foreach (var piece in pieces)
        {
            await upload.SendAsync(piece, Cancellation);
        }

        using var answer = await upload.CompleteAsync(Cancellation);
        Assert.True(answer.IsSuccessStatusCode);
        Assert.True(await normal.WaitForEndAsync(Cancellation), "the normal viewer's response failed");
        Assert.Equal(total, normal.Received.Length);

        // The stalled viewer's socket stays full for longer than the write timeout (8 MiB is far more than its
        // 8 KiB receive buffer, the 4 MiB kernel send buffer and Kestrel's 64 KiB response buffer hold): its write
        // waits, armed with the deadline, and the clock passes it.
        await clock.FireAsync(writeTimeout, Cancellation);

        // Then it reads what it was sent: the connection ends without the chunked terminator.
        var (received, tail) = await DrainAsync(stalled, TimeSpan.FromSeconds(20));
        Assert.False(tail.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal), $"the stalled viewer's response ended cleanly after {received} bytes");
        Assert.True(received < total, $"the stalled viewer received all {received} bytes");
        await disconnects.WaitForAsync(1, TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(1, disconnects.Total);
    }

    /// <summary>A GET over a socket with a tiny receive buffer that then reads nothing.</summary>
    private static async Task<Socket> OpenStalledViewerAsync(Uri server, string path)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.Host, server.Port, Cancellation);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n\r\n"), Cancellation);
        return socket;
    }

    /// <summary>Reads until the connection ends or the chunked body ends; returns the bytes read and the last few of them.</summary>
    private static async Task<(long Received, string Tail)> DrainAsync(Socket socket, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(timeout);
        var buffer = new byte[64 * 1024];
        long received = 0;
        var tail = string.Empty;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, deadline.Token)) > 0)
            {
                received += read;
                var last = tail + Encoding.ASCII.GetString(buffer, Math.Max(0, read - 16), Math.Min(read, 16));
                tail = last[Math.Max(0, last.Length - 16)..];
                if (tail.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
                {
                    // A clean end: the connection stays open for the next request.
                    break;
                }
            }
        }
        catch (SocketException)
        {
            // Reset: what a cut-off viewer should see.
        }

        return (received, tail);
    }
}
