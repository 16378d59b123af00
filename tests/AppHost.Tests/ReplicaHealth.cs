using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CmafOrigin.AppHost.Tests;

/// <summary>Waiting for every replica of a resource to serve, not only the first.</summary>
internal static class ReplicaHealth
{
    /// <summary>
    /// Returns once <paramref name="replicas"/> instances of <paramref name="resourceName"/> are healthy and its endpoint
    /// answers <c>/health</c> on every one of many fresh connections. <c>WaitForResourceHealthyAsync</c> returns when any
    /// one instance is healthy, and DCP's proxy in front of the replicas hands each connection to one of them: to one
    /// still starting, it accepts the connection and closes it unanswered ("the response ended prematurely").
    /// </summary>
    public static async Task WaitForReplicasServingAsync(this DistributedApplication app, string resourceName, int replicas, CancellationToken cancellationToken)
    {
        await WaitForInstancesHealthyAsync(app.Services.GetRequiredService<ResourceNotificationService>(), resourceName, replicas, cancellationToken);
        var health = new Uri(app.GetEndpoint(resourceName, "http"), "/health");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        // Four answers per replica in a row, each on a connection of its own: the proxy picks a replica per connection.
        for (var inARow = 0; inARow < 4 * replicas;)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, health);
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                inARow = response.IsSuccessStatusCode ? inARow + 1 : 0;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                inARow = 0;
            }

            if (inARow == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private static async Task WaitForInstancesHealthyAsync(ResourceNotificationService notifications, string resourceName, int replicas, CancellationToken cancellationToken)
    {
        var healthy = new Dictionary<string, bool>(StringComparer.Ordinal);
        // WatchAsync first yields the latest snapshot of every instance, then each change.
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resourceName)
            {
                continue;
            }

            healthy[update.ResourceId] = update.Snapshot.HealthStatus == HealthStatus.Healthy;
            if (healthy.Values.Count(isHealthy => isHealthy) >= replicas)
            {
                return;
            }
        }
    }
}
