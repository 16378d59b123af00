using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.Ingest.Tests.Channels;

/// <summary>The per-channel cache of segment templates stays as small as the channels on the air: channels come and go for weeks under new names.</summary>
public sealed class ChannelTemplatesTests(RedisServer redis)
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ObjectKeys _keys = new("cmaf");

    [Fact]
    public async Task Channel_UnusedForTheRetention_IsForgotten_WhileAChannelInUseStays()
    {
        var templates = Templates();
        var quiet = await ChannelAsync("quiet");
        var busy = await ChannelAsync("busy");
        Assert.Single(await templates.GetAsync(quiet));
        Assert.Single(await templates.GetAsync(busy));
        Assert.Equal(2, templates.Count);

        // The busy channel uploads every segment; the quiet one has stopped (its encoder gone, its name never used again).
        for (var elapsed = TimeSpan.Zero; elapsed <= Retention * 1.5; elapsed += TimeSpan.FromSeconds(2))
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            Assert.Single(await templates.GetAsync(busy));
        }

        Assert.Equal(1, templates.Count);
        Assert.Single(await templates.GetAsync(quiet));
    }

    [Fact]
    public async Task Channel_GoneFromRedis_IsForgottenAtItsNextLookUp()
    {
        var templates = Templates();
        var channel = await ChannelAsync("purged");
        Assert.Single(await templates.GetAsync(channel));

        await redis.Connection.GetDatabase().KeyDeleteAsync(_keys.Channel(channel));

        Assert.Empty(await templates.GetAsync(channel));
        Assert.Equal(0, templates.Count);
    }

    private ChannelTemplates Templates() =>
        new(redis.Connection, _keys, _time, Options.Create(new IngestOptions { CompletedRetention = Retention }));

    /// <summary>A channel whose hash holds the templates of one video track, as the manifest's upload leaves it.</summary>
    private async Task<string> ChannelAsync(string test)
    {
        var channel = TestPaths.Channel(test);
        await redis.Connection.GetDatabase().HashSetAsync(
            _keys.Channel(channel), ChannelFields.Templates, SegmentTemplate.Serialize([new SegmentTemplate("0", "chunk-stream0-", ".m4s")]));
        return channel;
    }
}
