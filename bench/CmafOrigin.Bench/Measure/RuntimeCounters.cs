using System.Globalization;

namespace CmafOrigin.Bench.Measure;

/// <summary>
/// The .NET runtime's own counters of a service, from its Prometheus scrape (OpenTelemetry runtime instrumentation):
/// GC collections and pause time, bytes allocated, lock contention, thread pool, exceptions. Two scrapes give a window.
/// </summary>
internal sealed class RuntimeCounters
{
    private static readonly string[] Generations = ["gen0", "gen1", "gen2", "loh", "poh"];

    private readonly Dictionary<string, double> _values;

    private RuntimeCounters(Dictionary<string, double> values) => _values = values;

    public static async Task<RuntimeCounters?> ScrapeAsync(HttpClient http, Uri service, CancellationToken cancellationToken)
    {
        try
        {
            return Parse(await http.GetStringAsync(new Uri(service, "/metrics"), cancellationToken));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public static RuntimeCounters Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            if (space <= 0)
            {
                continue;
            }

            var name = brace > 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var key = name;
            if (line.Contains("gc_heap_generation=\"", StringComparison.Ordinal))
            {
                var at = line.IndexOf("gc_heap_generation=\"", StringComparison.Ordinal) + 20;
                key = $"{name}:{line[at..line.IndexOf('"', at)]}";
            }

            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[key] = values.GetValueOrDefault(key) + value;
            }
        }

        return new RuntimeCounters(values);
    }

    /// <summary>What changed since <paramref name="before"/>, in the units of the results.</summary>
    public Dictionary<string, double> Since(RuntimeCounters? before)
    {
        double Delta(string key) => _values.GetValueOrDefault(key) - (before?._values.GetValueOrDefault(key) ?? 0);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["gc_gen0"] = Delta("dotnet_gc_collections_total:gen0"),
            ["gc_gen1"] = Delta("dotnet_gc_collections_total:gen1"),
            ["gc_gen2"] = Delta("dotnet_gc_collections_total:gen2"),
            ["gc_pause_ms"] = Math.Round(Delta("dotnet_gc_pause_time_seconds_total") * 1000, 1),
            ["allocated_mb"] = Math.Round(Delta("dotnet_gc_heap_total_allocated_bytes_total") / 1048576, 1),
            ["lock_contentions"] = Delta("dotnet_monitor_lock_contentions_total"),
            ["exceptions"] = Delta("dotnet_exceptions_total"),
            ["thread_pool_threads"] = _values.GetValueOrDefault("dotnet_thread_pool_thread_count_total"),
            ["gc_poh_mb_after_last_gc"] = Math.Round(_values.GetValueOrDefault("dotnet_gc_last_collection_heap_size_bytes:poh") / 1048576, 1),
            ["gc_loh_mb_after_last_gc"] = Math.Round(_values.GetValueOrDefault("dotnet_gc_last_collection_heap_size_bytes:loh") / 1048576, 1),
            ["kestrel_pool_allocated_mb"] = Math.Round(Delta("aspnetcore_memory_pool_allocated_bytes_total") / 1048576, 1),
            ["gc_heap_mb_after_last_gc"] = Math.Round(
                Generations.Sum(g => _values.GetValueOrDefault($"dotnet_gc_last_collection_heap_size_bytes:{g}")) / 1048576, 1),
        };
    }
}
