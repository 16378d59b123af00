using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Adds up a counter of one service's meters as it is incremented. Several hosts in one test process create meters
/// of the same name, and a Prometheus scrape may show another host's series; this listener keeps to the
/// instruments created by <paramref name="services"/>' own <see cref="IMeterFactory"/>.
/// </summary>
public sealed class InstrumentCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public InstrumentCounter(IServiceProvider services, string instrument)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    /// <summary>The sum of the measurements since this counter was created.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
