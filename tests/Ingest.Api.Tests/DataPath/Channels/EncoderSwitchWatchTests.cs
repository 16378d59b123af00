using System.Text;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.Ingest.Tests.Channels;

/// <summary>
/// A second encoder pushing to a live channel is named in a warning (README's push and --demo on one channel was a
/// new user's first mistake), against a real redis-server, the clock under the test's control.
/// </summary>
public sealed class EncoderSwitchWatchTests(RedisServer redis)
{
    private static readonly EncoderSource Demo = new("127.0.0.1", "encoder", "Lavf/59.27.100");

    private static readonly EncoderSource Studio = new("10.0.0.7", "studio", "Lavf/59.27.100");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private readonly FakeLogger<EncoderSwitchWatch> _logger = new();

    [Fact]
    public async Task ManifestOfAnotherRun_WhileTheChannelIsLive_WarnsNamingBothSources()
    {
        var (watch, manifest) = Watch();

        Assert.Equal(EncoderSwitch.SameRun, await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T07:59:00Z"), Demo));
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T08:00:01Z"), Studio);

        Assert.Equal(EncoderSwitch.WhileLive, second);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(Demo.ToString(), warning.Message, StringComparison.Ordinal);
        Assert.Contains(Studio.ToString(), warning.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-02T07:59:00Z", warning.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-02T08:00:01Z", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoEncodersFlippingTheManifest_WarnOnceAMinute_NotAtEveryManifest()
    {
        var (watch, manifest) = Watch();

        for (var i = 0; i < 30; i++)
        {
            await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T07:59:00Z"), Demo);
            await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T08:00:01Z"), Studio);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The once-a-minute mark lives on Redis (every Ingest honours it), and Redis keeps real time: 30 s have not passed.
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task SameRun_ReuploadingItsManifest_IsNotASwitch()
    {
        var (watch, manifest) = Watch();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(EncoderSwitch.SameRun, await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T07:59:00Z"), Demo));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task NewRunAfterAQuietSpell_IsARestart_LoggedAsInformation()
    {
        var (watch, manifest) = Watch();
        await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T07:59:00Z"), Demo);

        _time.Advance(EncoderSwitchWatch.LiveWindow + TimeSpan.FromSeconds(1));
        var restarted = await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T08:00:16Z"), Demo);

        Assert.Equal(EncoderSwitch.NewRun, restarted);
        var record = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, record.Level);
    }

    [Fact]
    public async Task StaticManifest_OrOneWithoutAStartTime_IsNotCompared()
    {
        var (watch, manifest) = Watch();

        Assert.Equal(EncoderSwitch.NotComparable, await watch.ManifestCompletedAsync(manifest, null, Demo));
        Assert.Equal(EncoderSwitch.NotComparable, await watch.ManifestCompletedAsync(manifest, Mpd(null), Demo));
        Assert.Equal(EncoderSwitch.NotComparable, await watch.ManifestCompletedAsync(manifest, Mpd("2026-12-02T07:59:00Z", type: "static"), Demo));
    }

    private (EncoderSwitchWatch Watch, ObjectPath Manifest) Watch()
    {
        var keys = new ObjectKeys($"test-{Guid.NewGuid():N}");
        Assert.True(ObjectPath.TryParse($"/{TestPaths.Channel()}/out.mpd", out var manifest, out var error), error);
        return (new EncoderSwitchWatch(redis.Connection, keys, Options.Create(new IngestOptions()), _time, _logger), manifest);
    }

    private static ManifestDocument? Mpd(string? availabilityStartTime, string type = "dynamic")
    {
        var start = availabilityStartTime is null ? string.Empty : $" availabilityStartTime=\"{availabilityStartTime}\"";
        return ManifestDocument.TryParse(Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\"?><MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"{type}\"{start}><Period id=\"0\"/></MPD>"));
    }
}
