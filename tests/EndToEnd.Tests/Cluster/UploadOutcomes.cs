using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.EndToEnd.Tests.Cluster;

/// <summary>
/// Uploads one Ingest ended, by outcome (<c>cmaforigin.ingest.uploads</c>, tag <c>outcome</c>: <c>Completed</c>,
/// <c>StorageFailed</c>, ...), counted from that host's own meters as they are incremented.
/// </summary>
internal sealed class UploadOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public UploadOutcomes(IServiceProvider ingestServices)
    {
        var factory = ingestServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "cmaforigin.ingest.uploads" && ReferenceEquals(instrument.Meter.Scope, factory))
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
        _listener.Start();
    }

    /// <summary>Uploads ended so far, by outcome.</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts);

    /// <summary>Uploads that ended any other way than completed.</summary>
    public long Failed => _counts.Where(count => count.Key != "Completed").Sum(count => count.Value);

    public override string ToString() => string.Join(", ", _counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => $"{count.Key} {count.Value}"));

    public void Dispose() => _listener.Dispose();
}
