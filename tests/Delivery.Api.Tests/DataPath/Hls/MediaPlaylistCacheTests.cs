using System.Text;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.Delivery.Hls;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>
/// Viewers woken by the same part are answered one written playlist; a rendition that changed, a sibling that changed
/// (its rendition report) or a delta update asked for gets a playlist written for it.
/// </summary>
public sealed class MediaPlaylistCacheTests
{
    private const long PartDuration = 15 * CmafSample.SampleDuration;

    private static readonly CmafTrack Track = CmafTrack.TryParse(CmafSample.Init(), out _)!;
    private static readonly HlsRendition Video = Rendition("v", "video");
    private static readonly HlsRendition Audio = Rendition("a", "audio");
    private static readonly HlsChannelView Channel = new("out", new HlsPresentation(false, DateTimeOffset.UnixEpoch, TimeSpan.Zero, [Video, Audio]));

    [Fact]
    public void TheSameStates_AreAnsweredTheSamePlaylist_WrittenOnce()
    {
        var cache = new MediaPlaylistCache();
        var all = new[] { Snapshot(Video, parts: 3), Snapshot(Audio, parts: 3) };

        var first = cache.GetOrWrite(Channel, all[0], all, skip: false);
        // Another viewer's snapshots of the same states: new objects, the same change tasks.
        var again = new[] { all[0] with { }, all[1] with { } };
        var second = cache.GetOrWrite(Channel, again[0], again, skip: false);

        Assert.Same(first, second);
        Assert.Contains("#EXT-X-PART:", Encoding.UTF8.GetString(first), StringComparison.Ordinal);
    }

    [Fact]
    public void ANewPart_IsListedAtOnce()
    {
        var cache = new MediaPlaylistCache();
        var audio = Snapshot(Audio, parts: 3);
        var before = cache.GetOrWrite(Channel, Snapshot(Video, parts: 3), [Snapshot(Video, parts: 3), audio], skip: false);
        var grown = Snapshot(Video, parts: 4);

        var after = cache.GetOrWrite(Channel, grown, [grown, audio], skip: false);

        Assert.NotSame(before, after);
        Assert.Equal(Count(before, "#EXT-X-PART:") + 1, Count(after, "#EXT-X-PART:"));
    }

    [Fact]
    public void ASiblingsChange_IsWrittenAgain_ForItsRenditionReport()
    {
        var cache = new MediaPlaylistCache();
        var video = Snapshot(Video, parts: 3);
        var before = cache.GetOrWrite(Channel, video, [video, Snapshot(Audio, parts: 2)], skip: false);

        var after = cache.GetOrWrite(Channel, video, [video, Snapshot(Audio, parts: 3)], skip: false);

        Assert.NotSame(before, after);
        Assert.Contains("LAST-PART=2", Encoding.UTF8.GetString(after), StringComparison.Ordinal);
    }

    [Fact]
    public void ADeltaUpdate_AndAFullPlaylist_AreKeptApart()
    {
        var cache = new MediaPlaylistCache();
        var all = new[] { Snapshot(Video, parts: 3), Snapshot(Audio, parts: 3) };

        var full = cache.GetOrWrite(Channel, all[0], all, skip: false);
        var delta = cache.GetOrWrite(Channel, all[0], all, skip: true);

        Assert.NotSame(full, delta);
        Assert.Same(full, cache.GetOrWrite(Channel, all[0], all, skip: false));
        Assert.Same(delta, cache.GetOrWrite(Channel, all[0], all, skip: true));
    }

    private static RenditionSnapshot Snapshot(HlsRendition rendition, int parts)
    {
        CmafPart[] list = [.. Enumerable.Range(0, parts).Select(i => new CmafPart(i * 100L, 100, i * PartDuration, PartDuration, i == 0, null))];
        var segment = new HlsSegment(1, rendition.SegmentName(1), list, Complete: false, new SegmentBytes());
        // Each state of a rendition has its own change task, as the follower gives it.
        return new RenditionSnapshot(rendition, Track, [segment], new TaskCompletionSource().Task, null, Ready: true);
    }

    private static HlsRendition Rendition(string id, string type) =>
        new(id, type, type == "video" ? "avc1.64001e" : "mp4a.40.2", 800_000, 640, 360, 30, null, null, $"init-{id}.m4s", $"chunk-{id}-$Number%05d$.m4s", 1, CmafSample.Timescale, 2 * CmafSample.Timescale);

    private static int Count(byte[] playlist, string tag) =>
        Encoding.UTF8.GetString(playlist).Split('\n').Count(line => line.StartsWith(tag, StringComparison.Ordinal));
}
