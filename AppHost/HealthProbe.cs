using System.Net;

namespace CmafOrigin.AppHost;

/// <summary>Polls a service's <c>/health</c> (ready, Redis included) until it answers 200.</summary>
internal static class HealthProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // No proxy: the services are on loopback, and an http_proxy in the environment must not intercept them.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public static async Task WaitUntilHealthyAsync(string name, Uri baseUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var health = new Uri(baseUrl, "/health");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var last = "no answer";
        try
        {
            while (true)
            {
                try
                {
                    using var response = await Client.GetAsync(health, deadline.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }

                    last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}";
                }
                catch (HttpRequestException ex)
                {
                    last = ex.Message;
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    last = "no answer within the request timeout";
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AppHostException($"{name} did not become healthy at {health} within {timeout.TotalSeconds:0} s (last: {last})");
        }
    }
}
