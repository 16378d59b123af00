using System.Text;
using System.Text.Json;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Status;

/// <summary>
/// Builds the /status snapshot once per <see cref="StatusOptions.StatusInterval"/> while at least one page is open, and
/// hands the same encoded event to every open page: the cost is per tick, not per page.
/// </summary>
/// <remarks>
/// Channels come from the catalog (what Ingest keeps on Redis), latency from every live Delivery instance's report, so
/// every instance's page shows the whole origin. Chart history is kept here, so a page opened late starts with it.
/// </remarks>
internal sealed class StatusFeed(
    ChannelCatalogReader catalog,
    DeliveryReportReader reports,
    TimeProvider time,
    IOptions<StatusOptions> options,
    ILogger<StatusFeed> logger) : BackgroundService
{
    private static readonly byte[] EventStart = Encoding.UTF8.GetBytes("event: snapshot\ndata: ");
    private static readonly byte[] EventEnd = Encoding.UTF8.GetBytes("\n\n");

    private readonly StatusOptions _options = options.Value;
    private readonly Dictionary<string, ChannelSeries> _series = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _watched = new(0);
    private StatusFrame _current = new(0, ReadOnlyMemory<byte>.Empty);
    private TaskCompletionSource<StatusFrame> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _watchers;
    private long _stale;
    private volatile bool _sleeping;

    /// <summary>Pages open now.</summary>
    public int Watchers => Volatile.Read(ref _watchers);

    /// <summary>True while no page is open and the feed waits for one, reading nothing.</summary>
    internal bool Sleeping => _sleeping;

    /// <summary>
    /// Counts a page in until the handle is disposed; the first one starts the ticks. The handle says which snapshot
    /// the page may start after: the one built last, unless it was built before a quiet spell (no page open), when
    /// the page waits for the fresh one its arrival triggers.
    /// </summary>
    public Watching Watch()
    {
        var watchers = Interlocked.Increment(ref _watchers);
        StatusLog.Connected(logger, watchers);
        if (watchers == 1)
        {
            // Whatever was built so far may be minutes old: no page gets it first.
            Interlocked.Exchange(ref _stale, Volatile.Read(ref _current).Version);
            _watched.Release();
        }

        return new Watching(this, Interlocked.Read(ref _stale));
    }

    /// <summary>The first snapshot newer than version <paramref name="after"/>: the current one if it is, else the next.</summary>
    public async Task<StatusFrame> NextAsync(long after, CancellationToken cancellationToken)
    {
        // The next one first, then the current: a snapshot published in between is then either seen as current or completes this wait.
        var next = Volatile.Read(ref _next).Task;
        var current = Volatile.Read(ref _current);
        return current.Version > after ? current : await next.WaitAsync(cancellationToken);
    }

    /// <summary>Builds one snapshot from Redis and advances every channel's chart history.</summary>
    internal async Task<StatusSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<Channel> channels;
        IReadOnlyList<DeliveryInstanceReport> instances;
        try
        {
            channels = await catalog.ListAsync(cancellationToken);
            instances = await reports.ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            StatusLog.StorageFailed(logger, ex);
            return new StatusSnapshot(at, 0, "Redis is unavailable", [], []);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong reading the catalog, the status page must never take Delivery down with it.
            StatusLog.BuildFailed(logger, ex);
            return new StatusSnapshot(at, 0, "the status could not be read; see Delivery's log", [], []);
        }

        var listed = new List<ChannelStatus>(channels.Count);
        // A point further than two ticks from the one before it follows a quiet spell (no page open, Redis unreadable).
        var gap = (long)(2 * _options.StatusInterval.TotalMilliseconds);
        foreach (var channel in channels)
        {
            var (p50, p99) = PassThrough(channel.Name, instances);
            if (!_series.TryGetValue(channel.Name, out var series))
            {
                _series[channel.Name] = series = new ChannelSeries(Math.Max(2, _options.StatusHistory), gap);
            }

            var history = series.Add(at, p50, p99, channel.Viewers, channel.IngestBitrateBps);
            listed.Add(new ChannelStatus(
                channel.Name,
                channel.State == ChannelState.Live ? "live" : "ended",
                channel.Manifest,
                [.. channel.Tracks.Select(t => new TrackStatus(t.Id, t.ContentType, t.Codecs, t.Bandwidth, t.Width, t.Height, t.LatestSegmentNumber))],
                channel.LatestSegmentNumber,
                channel.IngestBitrateBps,
                channel.Viewers,
                p50,
                p99,
                UnixMilliseconds(channel.StartedAt),
                UnixMilliseconds(channel.LastActivityAt),
                ServedBy(channel.Name, instances),
                history));
        }

        // A channel gone from the catalog (purged, expired) takes its history with it.
        foreach (var gone in _series.Keys.Except(channels.Select(c => c.Name), StringComparer.Ordinal).ToList())
        {
            _series.Remove(gone);
        }

        return new StatusSnapshot(at, instances.Count, null, listed, Instances(instances));
    }

    /// <summary>Every reporting instance, by id, with the channels it serves (by name) and its rates.</summary>
    internal static IReadOnlyList<InstanceStatus> Instances(IReadOnlyList<DeliveryInstanceReport> instances) =>
        [.. instances
            .OrderBy(r => r.InstanceId, StringComparer.Ordinal)
            .Select(r => new InstanceStatus(
                r.InstanceId,
                r.Viewers,
                r.DeliveredBytes,
                r.DeliveredBitrateBps,
                r.RedisReadsPerSecond,
                UnixMilliseconds(r.ReportedAt),
                [.. r.Channels.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ServedChannel(c.Key, c.Value.Viewers))]))];

    /// <summary>The instances whose last report has <paramref name="channel"/> (they delivered some of it in their last interval), by id.</summary>
    internal static IReadOnlyList<ServingInstance> ServedBy(string channel, IReadOnlyList<DeliveryInstanceReport> instances) =>
        [.. instances
            .Where(r => r.Channels.ContainsKey(channel))
            .OrderBy(r => r.InstanceId, StringComparer.Ordinal)
            .Select(r => new ServingInstance(r.InstanceId, r.Channels[channel].Viewers))];

    /// <summary>
    /// Instances report percentiles, not histograms: the channel's median is their medians weighted by viewers (a
    /// fair middle), its p99 the worst instance's (an upper bound a p99 must not hide).
    /// </summary>
    internal static (double P50, double P99) PassThrough(string channel, IReadOnlyList<DeliveryInstanceReport> instances)
    {
        double weighted = 0, weights = 0, worst = 0;
        foreach (var report in instances)
        {
            if (!report.Channels.TryGetValue(channel, out var delivery) || delivery.PassThroughP50Ms <= 0)
            {
                continue;
            }

            var weight = Math.Max(1, delivery.Viewers);
            weighted += delivery.PassThroughP50Ms * weight;
            weights += weight;
            worst = Math.Max(worst, delivery.PassThroughP99Ms);
        }

        // Hundredths of a millisecond are plenty for a page, and keep the JSON short.
        return weights == 0 ? (0, 0) : (Math.Round(weighted / weights, 2), Math.Round(worst, 2));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitUntilWatchedAsync(stoppingToken);

                // A timer of its own per watched spell: one left from before would tick at once for the time it sat idle.
                using var timer = new PeriodicTimer(_options.StatusInterval, time);
                do
                {
                    Publish(await BuildAsync(stoppingToken));
                }
                while (Watchers > 0 && await timer.WaitForNextTickAsync(stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Returns once a page is open. While none is, nothing is read from Redis; the first page to open wakes this at
    /// once (wake-ups of pages opened and closed meanwhile are dropped first; <see cref="Watch"/> counts before it wakes).
    /// </summary>
    private async Task WaitUntilWatchedAsync(CancellationToken stoppingToken)
    {
        while (Watchers == 0)
        {
            while (_watched.Wait(0, CancellationToken.None))
            {
            }

            if (Watchers == 0)
            {
                _sleeping = true;
                try
                {
                    await _watched.WaitAsync(stoppingToken);
                }
                finally
                {
                    _sleeping = false;
                }
            }
        }
    }

    private void Publish(StatusSnapshot snapshot)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, StatusJsonContext.Default.StatusSnapshot);
        var bytes = new byte[EventStart.Length + json.Length + EventEnd.Length];
        EventStart.CopyTo(bytes, 0);
        json.CopyTo(bytes, EventStart.Length);
        EventEnd.CopyTo(bytes, EventStart.Length + json.Length);

        var frame = new StatusFrame(_current.Version + 1, bytes);
        Volatile.Write(ref _current, frame);
        var next = Interlocked.Exchange(ref _next, new TaskCompletionSource<StatusFrame>(TaskCreationOptions.RunContinuationsAsynchronously));
        next.TrySetResult(frame);
    }

    private static long UnixMilliseconds(Google.Protobuf.WellKnownTypes.Timestamp? at) =>
        at is null ? 0 : at.ToDateTimeOffset().ToUnixTimeMilliseconds();

    public override void Dispose()
    {
        _watched.Dispose();
        base.Dispose();
    }

    /// <summary>One open page: counted in until disposed.</summary>
    /// <param name="after">The version the page's first snapshot must be newer than (pass it to <see cref="NextAsync"/>).</param>
    internal sealed class Watching(StatusFeed feed, long after) : IDisposable
    {
        private int _disposed;

        public long After { get; } = after;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref feed._watchers);
            }
        }
    }
}
