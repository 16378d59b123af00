using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CmafOrigin.Ingest.Tests.Healing;

/// <summary>The init segments an Ingest holds to heal Redis stay bounded: by count, by size, and by time once a channel goes quiet.</summary>
public sealed class InitSegmentCopiesTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Channel_WhileUploadsArrive_IsHeld_ThenForgottenOnceQuietForTheRetention()
    {
        var copies = Copies();
        copies.Keep(Init("live/a"));

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            copies.Touch("live/a");
        }

        Assert.Equal(["live/a"], copies.Channels());
        _time.Advance(Retention + TimeSpan.FromSeconds(1));
        Assert.Empty(copies.Channels());
        Assert.Empty(copies.ToCheck("live/a", force: true));
        copies.Touch("live/b");
        Assert.Equal(0, copies.ChannelCount);
    }

    [Fact]
    public void ToCheck_OncePerCheckInterval_UnlessForced()
    {
        var copies = Copies();
        copies.Keep(Init("live/a"));

        Assert.Single(copies.ToCheck("live/a"));
        Assert.Empty(copies.ToCheck("live/a"));
        Assert.Single(copies.ToCheck("live/a", force: true));
        _time.Advance(InitSegmentCopies.CheckInterval);
        Assert.Single(copies.ToCheck("live/a"));
    }

    [Fact]
    public void Keep_SamePathAgain_ReplacesTheCopy()
    {
        var copies = Copies();
        copies.Keep(Init("live/a"));
        var newer = Init("live/a") with { Version = "newer" };
        copies.Keep(newer);

        Assert.Equal([newer], copies.ToCheck("live/a"));
    }

    [Fact]
    public void Forget_LastInitOfAChannel_ForgetsTheChannel()
    {
        var copies = Copies();
        copies.Keep(Init("live/a"));
        copies.Keep(Init("live/b"));

        copies.Forget(ObjectPath.Parse("/live/a/init-stream0.m4s"));
        copies.ForgetChannel("live/b");

        Assert.Equal(0, copies.ChannelCount);
    }

    [Fact]
    public void Forget_OfADeletedVersion_KeepsTheCopyOfANewerUpload()
    {
        var copies = Copies();
        var deleted = Init("live/a");
        var newer = deleted with { Version = "newer" };
        copies.Keep(newer);

        copies.Forget(deleted.Path, deleted.Version);
        Assert.Equal([newer], copies.ToCheck("live/a"));

        copies.Forget(newer.Path, newer.Version);
        Assert.Equal(0, copies.ChannelCount);
    }

    [Fact]
    public void Keep_TooBig_IsNotHeld()
    {
        var copies = Copies();

        copies.Keep(Init("live/a") with { Body = new byte[InitSegmentCopies.MaxBytes + 1] });

        Assert.Equal(0, copies.ChannelCount);
    }

    [Fact]
    public void Keep_PastTheLimits_DropsTheQuietestChannel_AndNewNamesOfAFullChannel()
    {
        var copies = Copies();
        for (var i = 0; i < InitSegmentCopies.MaxChannels; i++)
        {
            copies.Keep(Init($"live/{i}"));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        copies.Touch("live/0");
        copies.Keep(Init("live/new"));

        Assert.Equal(InitSegmentCopies.MaxChannels, copies.ChannelCount);
        Assert.Contains("live/0", copies.Channels());
        Assert.DoesNotContain("live/1", copies.Channels());

        for (var i = 0; i <= ObjectStore.MaxInitSegments; i++)
        {
            copies.Keep(Init("live/new", $"init-stream{i}.m4s"));
        }

        Assert.Equal(ObjectStore.MaxInitSegments, copies.ToCheck("live/new", force: true).Count);
    }

    private InitSegmentCopies Copies() =>
        new(_time, Options.Create(new IngestOptions { CompletedRetention = Retention }));

    private HeldInitSegment Init(string channel, string name = "init-stream0.m4s") =>
        new(ObjectPath.Parse($"/{channel}/{name}"), "v1", "video/mp4", new byte[] { 1, 2, 3 }, _time.GetUtcNow());
}
