using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Delivery.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Feeds;

/// <summary>
/// This process's one subscription to object events. It routes each event to the feed reading that
/// version (if any viewer here watches it) and wakes requests waiting for an upload to start.
/// </summary>
internal sealed class LiveFeedHub(
    IConnectionMultiplexer redis,
    ObjectReader reader,
    UploadStartSignals startSignals,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly Dictionary<(string Path, string Version), LiveObjectFeed> _feeds = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger<LiveFeedHub>();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _bridging;

    /// <summary>How often feeds read while the subscription is down (<see cref="BridgeSubscriptionGapAsync"/>).</summary>
    internal static readonly TimeSpan GapPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Completes once the subscription is active; readiness and tests wait on it.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Feeds currently open in this process.</summary>
    public int FeedCount
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Attaches a viewer to the feed of <paramref name="version"/>, opening it if this is the first viewer.</summary>
    public LiveObjectFeed Attach(ObjectVersion version)
    {
        LiveObjectFeed? opened = null;
        LiveObjectFeed feed;
        lock (_gate)
        {
            var key = (version.Path.Value, version.Version);
            if (!_feeds.TryGetValue(key, out feed!))
            {
                feed = opened = new LiveObjectFeed(version, reader, options.Value.FeedSafetyRecheck, options.Value.UploadStallMargin, time, _logger);
                _feeds[key] = feed;
            }

            feed.Viewers++;
        }

        // Registered first, so no event is missed; its first read is sent outside the lock.
        opened?.Start();
        return feed;
    }

    /// <summary>Detaches a viewer; the last one closes the feed, so an unwatched object costs nothing.</summary>
    public async ValueTask DetachAsync(LiveObjectFeed feed)
    {
        lock (_gate)
        {
            if (--feed.Viewers > 0)
            {
                return;
            }

            _feeds.Remove((feed.Version.Path.Value, feed.Version.Version));
        }

        await feed.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        redis.ConnectionFailed += OnConnectionFailed;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var queue = await redis.GetSubscriber().SubscribeAsync(reader.Keys.Events);
                    // Handled in order, one at a time: each event only wakes a feed or a waiter.
                    queue.OnMessage(OnEvent);
                    FeedLog.Subscribed(_logger, reader.Keys.Events.ToString());
                    _subscribed.TrySetResult();
                    await Task.Delay(Timeout.Infinite, stoppingToken);
                }
                catch (Exception ex) when (ex.IsStorageFailure())
                {
                    FeedLog.SubscribeFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
            redis.ConnectionFailed -= OnConnectionFailed;
        }
    }

    private void OnEvent(ChannelMessage message)
    {
        ObjectEvent objectEvent;
        try
        {
            objectEvent = ObjectEvent.Parser.ParseFrom((byte[])message.Message!);
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or ArgumentNullException)
        {
            FeedLog.BadEvent(_logger, ex);
            return;
        }

        switch (objectEvent.Kind)
        {
            case ObjectEventKind.Started:
                startSignals.Signal(objectEvent.Path, objectEvent.Version, objectEvent.Begun);
                break;
            case ObjectEventKind.Deleted:
                WakeAll(objectEvent.Path);
                break;
            default:
                LiveObjectFeed? feed;
                lock (_gate)
                {
                    _feeds.TryGetValue((objectEvent.Path, objectEvent.Version), out feed);
                }

                feed?.Wake();
                break;
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // No event will come while Redis is gone: every feed reads now, and its viewers are reset at once if
        // Redis is unreachable (commands fail fast) rather than after the safety re-check.
        WakeAll(path: null);
        if (Interlocked.Exchange(ref _bridging, 1) == 0)
        {
            _ = BridgeSubscriptionGapAsync();
        }
    }

    /// <summary>
    /// While the subscription is on a node this process lost (a Redis Cluster master killed: the client moves it to
    /// another node only after a while), no event arrives even for channels whose own master is fine; their feeds read
    /// every <see cref="GapPoll"/> meanwhile, so their viewers get each chunk late by that much at most instead of
    /// waiting for the safety re-check. Ends, with one more read of every feed, once the subscription is live again.
    /// </summary>
    private async Task BridgeSubscriptionGapAsync()
    {
        try
        {
            var subscriber = redis.GetSubscriber();
            // Asked after a first pause: the failed connection may be the subscription's own, still marked connected.
            do
            {
                await Task.Delay(GapPoll, time);
                WakeAll(path: null);
            }
            while (!subscriber.IsConnected(reader.Keys.Events) || subscriber.SubscribedEndpoint(reader.Keys.Events) is null);
        }
        finally
        {
            Volatile.Write(ref _bridging, 0);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Events published while the connection was down are lost: every feed re-reads.
        FeedLog.Restored(_logger, FeedCount);
        WakeAll(path: null);
    }

    private void WakeAll(string? path)
    {
        List<LiveObjectFeed> feeds;
        lock (_gate)
        {
            feeds = [.. _feeds.Values.Where(feed => path is null || feed.Version.Path.Value == path)];
        }

        foreach (var feed in feeds)
        {
            feed.Wake();
        }
    }
}
