using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Origin;
using CmafOrigin.Bench.Recording;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Scenarios;

/// <summary>
/// The floor under every Redis hop of the chunk path: one round trip to an idle redis-server, as the services make it
/// (StackExchange.Redis, one multiplexer) and over a plain socket with the command written by hand, in turns, one every
/// 20 ms as chunks come (so every round trip starts from sleeping threads, as a chunk's do).
/// </summary>
internal static class RedisRoundTripScenario
{
    private const int ValueBytes = 1000;
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(20);

    public static async Task<ScenarioResult> RunAsync(StreamRecording recording, BenchSettings settings, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(settings.CacheDirectory, "logs", "redis-rtt");
        var redisDirectory = Path.Combine(logs, "redis");
        Directory.CreateDirectory(redisDirectory);
        var port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server") { WorkingDirectory = redisDirectory };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        await using var redis = ChildProcess.Start("redis-server", start, logs);
        // As ServiceDefaults connects the services (RedisClientExtensions).
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        await using var client = await ConnectAsync(options, cancellationToken);
        var db = client.GetDatabase();
        await db.StringSetAsync("value", new byte[ValueBytes]);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
        var get = Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$5\r\nvalue\r\n");
        var replyLength = $"${ValueBytes}\r\n".Length + ValueBytes + 2;
        var reply = new byte[replyLength];

        var rounds = (int)(settings.Duration / (2 * Gap));
        var warmup = Math.Min(100, rounds / 10);
        Console.WriteLine($"[redis-rtt] {rounds} GETs of {ValueBytes} bytes each way, one every {Gap.TotalMilliseconds:0} ms ({warmup} warm-up)");
        var library = new Samples();
        var plain = new Samples();
        var monitor = new LoadToolMonitor();
        for (var round = 0; round < rounds; round++)
        {
            await Task.Delay(Gap, cancellationToken);
            var t = Stopwatch.GetTimestamp();
            var value = (byte[]?)await db.StringGetAsync("value");
            var libraryMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (value?.Length != ValueBytes)
            {
                throw new InvalidOperationException("redis-rtt: GET through StackExchange.Redis returned the wrong value");
            }

            await Task.Delay(Gap, cancellationToken);
            t = Stopwatch.GetTimestamp();
            await socket.SendAsync(get, cancellationToken);
            for (var received = 0; received < replyLength;)
            {
                var read = await socket.ReceiveAsync(reply.AsMemory(received), cancellationToken);
                received += read > 0 ? read : throw new InvalidOperationException("redis-rtt: redis-server closed the connection");
            }

            var plainMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (round >= warmup)
            {
                library.Add(libraryMs);
                plain.Add(plainMs);
            }
        }

        await monitor.DisposeAsync();
        var summary = library.Summarize();
        var floor = plain.Summarize();
        return new ScenarioResult
        {
            Scenario = "redis-rtt",
            Description = $"one GET of {ValueBytes} bytes every {Gap.TotalMilliseconds:0} ms to an idle redis-server: StackExchange.Redis as the services use it, and a plain socket",
            RanAt = DateTimeOffset.UtcNow,
            Viewers = 0,
            Uploads = 0,
            Channels = 0,
            DurationS = Math.Round(settings.Duration.TotalSeconds, 1),
            P50Ms = summary.P50,
            P90Ms = summary.P90,
            P99Ms = summary.P99,
            P999Ms = summary.P999,
            MaxMs = summary.Max,
            Samples = summary.Samples,
            Errors = 0,
            DeliveryRssMb = 0,
            CpuS = 0,
            LoadToolLagMs = monitor.LagMs.Summarize(),
            RoundTripMs = new Dictionary<string, Samples.Summary>
            {
                ["stackexchange_redis"] = summary,
                ["plain_socket"] = floor,
            },
            Target = "none: the floor under each Redis hop of the chunk path",
            TargetMet = true,
            Notes = string.Create(CultureInfo.InvariantCulture, $"plain socket p50 {floor.P50:0.000} ms, p99 {floor.P99:0.000} ms, max {floor.Max:0.000} ms"),
            Recording = recording.Source,
        };
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(options);
            if (connection.IsConnected)
            {
                return connection;
            }

            await connection.DisposeAsync();
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException("redis-rtt: redis-server did not accept connections within 20 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
