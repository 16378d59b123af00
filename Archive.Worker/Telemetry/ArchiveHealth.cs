using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CmafOrigin.Archive.Telemetry;

/// <summary>
/// <c>/health</c> is Degraded while a channel cannot be archived (disk full, a read-only directory): the writer keeps
/// running, and live delivery never depended on it.
/// </summary>
internal sealed class ArchiveHealth : IHealthCheck
{
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);

    public void Failing(string channel, string error) => _failing[channel] = error;

    public void Recovered(string channel) => _failing.TryRemove(channel, out _);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failing.IsEmpty
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(
                "Archiving stopped for " + string.Join(", ", _failing.Select(f => $"{(f.Key.Length == 0 ? "/" : f.Key)} ({f.Value})"))));
}
