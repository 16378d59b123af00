using System.Collections.Concurrent;
using CmafOrigin.Contracts.V1;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// Listens to the origin's object events (as Delivery does) and notes when each upload's STARTED event arrived, on the
/// run's clock: it splits a viewer's time to first byte into Ingest (head sent → event) and Delivery (event → headers).
/// </summary>
internal sealed class EventWatcher
{
    public ConcurrentDictionary<string, long> Started { get; } = new(StringComparer.Ordinal);

    public static async Task<EventWatcher> StartAsync(IConnectionMultiplexer connection)
    {
        var watcher = new EventWatcher();
        var queue = await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal("cmaf:events"));
        queue.OnMessage(message =>
        {
            var now = BenchClock.Now;
            var objectEvent = ObjectEvent.Parser.ParseFrom((byte[])message.Message!);
            if (objectEvent.Kind == ObjectEventKind.Started)
            {
                watcher.Started["/" + objectEvent.Path] = now;
            }
        });
        return watcher;
    }
}
