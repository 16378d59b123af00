using System.Diagnostics.Metrics;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Ingest.Tests.Telemetry;

/// <summary>The meter CmafOrigin.Ingest after a known upload.</summary>
public sealed class IngestMetricsTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKnownUpload_IsCountedInBytesChunksAndUploads()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var meters = origin.IngestServices.GetRequiredService<IMeterFactory>();
        var totals = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            // Only this host's meter: other tests' hosts in this process publish under the same name.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = tags.ToArray().FirstOrDefault(t => t.Key == "outcome").Value;
            lock (totals)
            {
                var key = outcome is null ? instrument.Name : $"{instrument.Name}/{outcome}";
                totals[key] = totals.GetValueOrDefault(key) + value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + 1;
            }
        });
        listener.Start();

        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using (var upload = PacedUpload.Start(origin.Ingest, path))
        {
            foreach (var size in new[] { 100, 200, 300 })
            {
                await upload.SendAsync(new byte[size], Cancellation);
                await origin.WaitForCurrentAsync(path, meta => meta?.Size >= size, Cancellation);
            }

            (await upload.CompleteAsync(Cancellation)).Dispose();
        }

        lock (totals)
        {
            Assert.Equal(600, totals["cmaforigin.ingest.bytes"]);
            Assert.Equal(3, totals["cmaforigin.ingest.chunks"]);
            Assert.Equal(3, totals["cmaforigin.ingest.store_duration"]);
            Assert.Equal(1, totals["cmaforigin.ingest.uploads/Completed"]);
            // Started and ended: nothing is left active.
            Assert.Equal(0, totals["cmaforigin.ingest.uploads.active"]);
        }
    }
}
