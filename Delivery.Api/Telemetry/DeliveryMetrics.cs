using System.Diagnostics.Metrics;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Delivery.Telemetry;

/// <summary>The meter <c>CmafOrigin.Delivery</c>: what viewers get, and how fast.</summary>
internal sealed class DeliveryMetrics
{
    /// <summary>Milliseconds: fine below 10 ms, where pass-through latency should live, coarse above.</summary>
    internal static readonly double[] LatencyBuckets = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 200, 500, 1000, 2000, 5000];

    /// <summary>The pass-through histogram's tag telling live chunks from backlog.</summary>
    internal const string ArrivalTag = "arrival";

    /// <summary>Arrived while the viewer was waiting: what the origin adds to a player's latency.</summary>
    internal const string Live = "live";

    /// <summary>Already stored when the viewer asked: its age says how late the player asked, not how fast the origin is.</summary>
    internal const string Backlog = "backlog";

    private readonly UpDownCounter<long> _activeViewers;
    private long _bytes;
    private readonly Histogram<double> _timeToFirstByte;
    private readonly Histogram<double> _passThrough;
    private readonly Counter<long> _aborted;
    private readonly Counter<long> _storageErrors;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _disconnected;

    public DeliveryMetrics(IMeterFactory meters, LiveFeedHub hub)
    {
        var meter = meters.Create(OriginTelemetry.DeliveryName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _activeViewers = meter.CreateUpDownCounter<long>("cmaforigin.delivery.viewers.active", "{viewer}", "Requests for objects being answered now");
        // Observed, not counted per write: a fan-out burst writes to every viewer at once, and an instrument's
        // Add costs a measurable share of that (a lock-free sum here; the exporter reads it when it collects).
        meter.CreateObservableCounter("cmaforigin.delivery.bytes", () => Interlocked.Read(ref _bytes), "By", "Object bytes written to viewers");
        _timeToFirstByte = meter.CreateHistogram("cmaforigin.delivery.time_to_first_byte", "ms", "From a viewer's request to its first body bytes", advice: latency);
        _passThrough = meter.CreateHistogram(
            "cmaforigin.delivery.passthrough",
            "ms",
            "From Ingest receiving a piece to Delivery writing it to a viewer; arrival=live for pieces that arrived while the viewer waited, backlog for those already there when it asked (their age)",
            advice: latency);
        _aborted = meter.CreateCounter<long>("cmaforigin.delivery.responses.aborted", "{response}", "Responses reset because their upload aborted or vanished");
        _storageErrors = meter.CreateCounter<long>("cmaforigin.delivery.storage_errors", "{error}", "Requests failed by Redis");
        _refused = meter.CreateCounter<long>("cmaforigin.delivery.viewers.refused", "{viewer}", "Requests refused with 503 because Delivery:MaxViewers were being answered");
        _disconnected = meter.CreateCounter<long>("cmaforigin.delivery.viewers.disconnected", "{viewer}", "Viewers cut off because they could not keep up (no write for Delivery:ViewerWriteTimeout)");
        meter.CreateObservableGauge("cmaforigin.delivery.feeds.active", () => hub.FeedCount, "{feed}", "In-progress objects this process reads from Redis, each shared by all its viewers");
    }

    public void ViewerStarted() => _activeViewers.Add(1);

    public void ViewerEnded() => _activeViewers.Add(-1);

    public void Delivered(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void FirstByte(TimeSpan sinceRequest) => _timeToFirstByte.Record(sinceRequest.TotalMilliseconds);

    /// <summary>A chunk that arrived while its viewer waited reached it <paramref name="milliseconds"/> after Ingest received it.</summary>
    public void PassedThrough(double milliseconds) => _passThrough.Record(milliseconds, new KeyValuePair<string, object?>(ArrivalTag, Live));

    /// <summary>A chunk already stored when its viewer asked was sent <paramref name="milliseconds"/> after Ingest received it.</summary>
    public void BacklogSent(double milliseconds) => _passThrough.Record(milliseconds, new KeyValuePair<string, object?>(ArrivalTag, Backlog));

    /// <summary>From Ingest receiving a chunk at <paramref name="receivedAtMicros"/> (Unix µs) to <paramref name="now"/>; null when the chunk carries no time.</summary>
    public static double? PassThroughMilliseconds(long receivedAtMicros, DateTimeOffset now) =>
        receivedAtMicros > 0 ? ((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 - receivedAtMicros) / 1000.0 : null;

    public void ResponseAborted() => _aborted.Add(1);

    public void StorageFailed() => _storageErrors.Add(1);

    public void ViewerRefused() => _refused.Add(1);

    public void ViewerDisconnected() => _disconnected.Add(1);
}
