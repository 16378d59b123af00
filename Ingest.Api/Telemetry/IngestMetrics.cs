using System.Diagnostics.Metrics;
using CmafOrigin.Ingest.Uploads;
using CmafOrigin.ServiceDefaults;

namespace CmafOrigin.Ingest.Telemetry;

/// <summary>The meter <c>CmafOrigin.Ingest</c>: what encoders send, and how fast it lands on Redis.</summary>
internal sealed class IngestMetrics
{
    private static readonly double[] StoreBuckets = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 20, 50, 100, 250, 1000];

    private readonly Counter<long> _bytes;
    private readonly Counter<long> _chunks;
    private readonly UpDownCounter<long> _activeUploads;
    private readonly Counter<long> _uploads;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _storeDuration;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(OriginTelemetry.IngestName);
        _bytes = meter.CreateCounter<long>("cmaforigin.ingest.bytes", "By", "Object bytes received and stored");
        _chunks = meter.CreateCounter<long>("cmaforigin.ingest.chunks", "{chunk}", "Pieces stored on Redis streams");
        _activeUploads = meter.CreateUpDownCounter<long>("cmaforigin.ingest.uploads.active", "{upload}", "Uploads in progress");
        _uploads = meter.CreateCounter<long>("cmaforigin.ingest.uploads", "{upload}", "Uploads ended, by outcome");
        _refused = meter.CreateCounter<long>("cmaforigin.ingest.uploads.refused", "{upload}", "Uploads refused by a concurrency limit or a shutdown, by reason");
        _storeDuration = meter.CreateHistogram(
            "cmaforigin.ingest.store_duration", "ms", "From receiving a piece to its being on Redis (readers woken)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StoreBuckets });
    }

    public void UploadStarted() => _activeUploads.Add(1);

    public void UploadEnded(UploadOutcome outcome)
    {
        _activeUploads.Add(-1);
        _uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
    }

    public void UploadRefused(UploadRefusal reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void Stored(int bytes, TimeSpan took)
    {
        _bytes.Add(bytes);
        _chunks.Add(1);
        _storeDuration.Record(took.TotalMilliseconds);
    }
}
