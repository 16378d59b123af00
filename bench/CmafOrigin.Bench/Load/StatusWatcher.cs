namespace CmafOrigin.Bench.Load;

/// <summary>
/// An operator's /status page, opened and closed again and again: it reads the server-sent snapshots for
/// <paramref name="openFor"/>, closes, and reopens a few seconds later, so that Delivery's status feed both runs
/// (chart history per channel) and goes to sleep.
/// </summary>
internal sealed class StatusWatcher(HttpClient http, Uri delivery, TimeSpan openFor)
{
    public long BytesReceived { get; private set; }

    public int Failures { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            using var open = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            open.CancelAfter(openFor);
            try
            {
                using var response = await http.GetAsync(new Uri(delivery, "/status/events"), HttpCompletionOption.ResponseHeadersRead, open.Token);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(open.Token);
                int read;
                while ((read = await body.ReadAsync(buffer, open.Token)) > 0)
                {
                    BytesReceived += read;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Closed after openFor, as planned.
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                Failures++;
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }
    }
}
