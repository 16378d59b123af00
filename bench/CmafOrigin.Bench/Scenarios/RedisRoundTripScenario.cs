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
        Directory.CreateDirectory(logs);
        var port = FreePort.Next();
        await using var redis = OriginStack.StartRedis(port, logs);
        // Waited for as OriginStack waits; then a client of its own, as ServiceDefaults connects the services (RedisClientExtensions).
        await (await OriginStack.ConnectRedisAsync(port, cancellationToken)).DisposeAsync();
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        await using var client = await ConnectionMultiplexer.ConnectAsync(options);
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
            Headline = summary,
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
}
