using System.Diagnostics;

namespace CmafOrigin.AppHost.Tests;

/// <summary>Polls a condition of a live system (an HTTP answer, telemetry arriving in the dashboard) until it holds.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Fails naming <paramref name="what"/> when <paramref name="condition"/> has not held within the timeout.</summary>
    public static async Task HoldsAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition(deadline.Token))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (HttpRequestException)
            {
                // Not listening, or not there yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One request timed out: ask again.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellation.IsCancellationRequested)
            {
                Assert.Fail($"no {what} within {stopwatch.Elapsed.TotalSeconds:0} s");
            }
        }
    }
}
