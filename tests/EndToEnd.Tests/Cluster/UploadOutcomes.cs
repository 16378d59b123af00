using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// How one Ingest's uploads went, from that host's own meters as they are incremented: the uploads that ended, by
/// outcome (<c>cmaforigin.ingest.uploads</c>: <c>Completed</c>, <c>StorageFailed</c>, ...), and the answers of 500 and
/// above (<c>http.server.request.duration</c>), which include uploads refused before they began (Redis failed at once).
/// </summary>
internal sealed class UploadOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _serverErrors;

    public UploadOutcomes(IServiceProvider ingestServices)
    {
        var factory = ingestServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "cmaforigin.ingest.uploads" or "http.server.request.duration" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    _counts.AddOrUpdate(tag.Value?.ToString() ?? "?", value, (_, count) => count + value);
                }
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "http.response.status_code" && tag.Value is int status && status >= 500)
                {
                    Interlocked.Increment(ref _serverErrors);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Uploads that ended any other way than completed, and answers of 500 and above.</summary>
    public long Failed => _counts.Where(count => count.Key != "Completed").Sum(count => count.Value) + Interlocked.Read(ref _serverErrors);

    public override string ToString() =>
        string.Join(", ", _counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => $"{count.Key} {count.Value}")) +
        $"; answers of 500 and above {Interlocked.Read(ref _serverErrors)}";

    public void Dispose() => _listener.Dispose();
}
