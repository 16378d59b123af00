using System.Text.Json;

namespace CmafOrigin.TestSupport;

/// <summary>A channel's archive as a player finds it: Delivery's <c>/&lt;channel&gt;/archive/</c>.</summary>
public static class ArchiveListing
{
    /// <summary>Polls the listing until the channel's one run has ended (its files are final); fails if a second run appears.</summary>
    public static async Task<JsonElement> FinalRunAsync(HttpClient delivery, string channel, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            using var runs = JsonDocument.Parse(await delivery.GetStringAsync(new Uri($"/{channel}/archive/", UriKind.Relative), deadline.Token));
            Assert.True(runs.RootElement.GetArrayLength() <= 1, runs.RootElement.ToString());
            if (runs.RootElement.GetArrayLength() == 1 && runs.RootElement[0].GetProperty("endedAt").ValueKind == JsonValueKind.String)
            {
                return runs.RootElement[0].Clone();
            }

            await Task.Delay(250, deadline.Token);
        }
    }
}
