using System.Net;

namespace CmafOrigin.AppHost.Tests;

/// <summary>One client for all tests: loopback only, never through a proxy, never waiting long.</summary>
internal static class TestHttp
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Polls <paramref name="url"/> until it answers <paramref name="expected"/>; returns the last status seen.</summary>
    public static async Task<HttpStatusCode?> PollAsync(Uri url, HttpStatusCode expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpStatusCode? last = null;
        try
        {
            while (true)
            {
                try
                {
                    using var response = await Client.GetAsync(url, deadline.Token);
                    last = response.StatusCode;
                    if (last == expected)
                    {
                        return last;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return last;
        }
    }
}
