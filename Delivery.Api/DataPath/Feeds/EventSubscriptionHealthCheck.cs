using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CmafOrigin.Delivery.Feeds;

/// <summary>Delivery is ready only once it hears object events; before that it could miss an upload's start.</summary>
internal sealed class EventSubscriptionHealthCheck(LiveFeedHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(hub.Subscribed.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("not yet subscribed to object events"));
}
