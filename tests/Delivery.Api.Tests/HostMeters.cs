using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests;

/// <summary>
/// The measurements of one host's own meters (those its <see cref="IMeterFactory"/> created), as a test reads them.
/// </summary>
/// <remarks>
/// Not the /metrics scrape: OpenTelemetry listens process-wide, so in a test process with several hosts it merges
/// same-named instruments of every host, and drops them when any of those hosts is disposed.
/// </remarks>
internal sealed class HostMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string? Tag), long> _sums = new();
    private readonly ConcurrentDictionary<string, long> _last = new();

    /// <param name="tag">The tag whose value keeps measurements apart (e.g. <c>outcome</c>).</param>
    public HostMeters(IServiceProvider services, string? tag = null)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, tag));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags, tag));
        _listener.Start();
    }

    /// <summary>The sum of a counter's measurements since this listener started, for one value of the tag.</summary>
    public long Sum(string instrument, string? tagValue = null) => _sums.GetValueOrDefault((instrument, tagValue));

    /// <summary>An observable instrument's value now.</summary>
    public long Observe(string instrument)
    {
        _listener.RecordObservableInstruments();
        return _last.GetValueOrDefault(instrument);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string? tag)
    {
        string? tagValue = null;
        foreach (var (key, tagged) in tags)
        {
            if (key == tag)
            {
                tagValue = tagged?.ToString();
            }
        }

        _sums.AddOrUpdate((instrument.Name, tagValue), value, (_, sum) => sum + value);
        _last[instrument.Name] = value;
    }
}
