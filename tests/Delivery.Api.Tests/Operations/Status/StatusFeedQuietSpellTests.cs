using System.Text;
using System.Text.Json;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Delivery.Status;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.Delivery.Tests.Status;

/// <summary>
/// The status feed after a quiet spell (no page open), on a fake clock over real Redis: a page opened then gets a
/// snapshot built for it, and the charts show the spell as a gap, not a line across it.
/// </summary>
public sealed class StatusFeedQuietSpellTests(RedisServer redis)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstSnapshot_AfterAQuietSpell_IsBuiltForThePage_AndTheChartsBreakAtTheSpell()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        using (var put = await origin.Ingest.PutAsync(new Uri($"/{channel}/out.mpd", UriKind.Relative), new ByteArrayContent(LiveManifest.Bytes), Cancellation))
        {
            put.EnsureSuccessStatusCode();
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var feed = new StatusFeed(
            new ChannelCatalogReader(redis.Connection, origin.Keys, clock),
            new DeliveryReportReader(redis.Connection, origin.Keys, clock),
            clock,
            Options.Create(new StatusOptions { StatusInterval = Interval }),
            NullLogger<StatusFeed>.Instance);
        await feed.StartAsync(Cancellation);
        try
        {
            // A page is open for two ticks, then closes; the feed goes to sleep.
            using (var page = feed.Watch())
            {
                var opened = await feed.NextAsync(page.After, Cancellation).WaitAsync(Timeout, Cancellation);
                clock.Advance(Interval);
                await feed.NextAsync(opened.Version, Cancellation).WaitAsync(Timeout, Cancellation);
            }

            await SleepingAsync(feed, clock);

            // Thirty seconds with no page open, then one opens.
            clock.Advance(TimeSpan.FromSeconds(30));
            using var late = feed.Watch();
            var first = Snapshot(await feed.NextAsync(late.After, Cancellation).WaitAsync(Timeout, Cancellation));

            Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), first.GetProperty("at").GetInt64());
            var history = first.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == channel).GetProperty("history");
            var at = history.GetProperty("at").EnumerateArray().Select(t => t.GetInt64()).ToList();
            var gap = history.GetProperty("gap").EnumerateArray().Select(g => g.GetBoolean()).ToList();
            Assert.Equal(at.Count, gap.Count);
            Assert.True(at[^1] - at[^2] >= 30_000, $"the last two points are {at[^1] - at[^2]} ms apart");
            Assert.True(gap[^1], "the point after the quiet spell starts a new line");
            Assert.All(gap[..^1], Assert.False);
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None).WaitAsync(Timeout, Cancellation);
        }
    }

    /// <summary>Waits for the feed to stop ticking; a tick it was already waiting for comes with the clock.</summary>
    private static async Task SleepingAsync(StatusFeed feed, FakeTimeProvider clock)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(Timeout);
        while (!feed.Sleeping)
        {
            clock.Advance(Interval);
            await Task.Delay(10, deadline.Token);
        }
    }

    private static JsonElement Snapshot(StatusFrame frame)
    {
        var text = Encoding.UTF8.GetString(frame.Event.Span);
        return JsonDocument.Parse(text["event: snapshot\ndata: ".Length..].Trim()).RootElement.Clone();
    }
}
