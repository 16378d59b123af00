using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Status;

/// <summary>
/// /status names every channel to whoever reaches Delivery: on by default, off by default once playback URLs are
/// signed, and switched explicitly with <c>Delivery:StatusPage</c>.
/// </summary>
public sealed class StatusPageSwitchTests(RedisServer redis)
{
    private const string PlaybackKey = "status-switch-playback-key-0123456789";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(PlaybackKey, null, false)]
    [InlineData(PlaybackKey, "true", true)]
    [InlineData(null, "false", false)]
    public async Task StatusPage_IsServed_OnlyWhereItIsSwitchedOn(string? playbackKey, string? statusPage, bool served)
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Delivery:SignedPlayback:Key"] = playbackKey,
            ["Delivery:StatusPage"] = statusPage,
        });

        using var page = await origin.Delivery.GetAsync(new Uri("/status", UriKind.Relative), Cancellation);
        using var events = await origin.Delivery.GetAsync(new Uri("/status/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation);

        Assert.Equal(served, page.StatusCode == HttpStatusCode.OK);
        Assert.Equal(served, events.StatusCode == HttpStatusCode.OK);
        if (!served)
        {
            Assert.True(page.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"/status answered {page.StatusCode}");
            Assert.True(events.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"/status/events answered {events.StatusCode}");
        }
    }
}
