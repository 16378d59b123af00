using System.Diagnostics;
using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>
/// LL-HLS answers that a live encoder cannot be made to produce on demand, on a channel the test uploads itself
/// (a one-rendition MPD, its init segment and CMAF segments) to a real origin.
/// </summary>
public sealed class HlsAnswersTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BlockingReload_ForASegmentThatNeverComes_Answers503AfterThreeTargetDurations()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation);

        using var ready = await origin.Delivery.GetAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=1", UriKind.Relative), Cancellation);
        var clock = Stopwatch.StartNew();
        using var blocked = await origin.Delivery.GetAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=2&_HLS_part=0", UriKind.Relative), Cancellation);
        var waited = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("#EXTINF:2.00000,\nchunk-v-00001.m4s", await ready.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        Assert.InRange(waited, TimeSpan.FromSeconds(5.5), TimeSpan.FromSeconds(9));
    }

    [Fact]
    public async Task DeltaUpdate_SkipsOnlyTheSegmentsOlderThanCanSkipUntil_AndListsTheRestAsTheFullPlaylistDoes()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        // 30 s available: the playlist lists 15 segments of 2 s, more than CAN-SKIP-UNTIL (6 target durations).
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation, timeShiftBufferDepth: TimeSpan.FromSeconds(30));
        for (var number = 2; number <= 12; number++)
        {
            await HlsChannelUpload.UploadSegmentAsync(origin, channel, number, Cancellation);
        }

        // Blocking on the last segment makes sure the playlist has caught up with every upload.
        var full = MediaPlaylist.Parse(await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=12", UriKind.Relative), Cancellation));
        var delta = MediaPlaylist.Parse(await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=12&_HLS_skip=YES", UriKind.Relative), Cancellation));

        Assert.Equal(0, full.Skipped);
        Assert.Equal(Enumerable.Range(1, 12).Select(n => (long)n), full.Segments.Select(s => s.Number));
        Assert.Equal(6, delta.Skipped);
        Assert.Equal(full.MediaSequence, delta.MediaSequence);
        Assert.Equal(full.Segments.Skip(delta.Skipped).Select(s => (s.Number, s.Uri, s.Duration)), delta.Segments.Select(s => (s.Number, s.Uri, s.Duration)));

        // What is left spans at least CAN-SKIP-UNTIL; one segment more skipped would not.
        var kept = delta.Segments.Sum(s => s.Duration);
        Assert.InRange(kept - delta.CanSkipUntil, 0, full.Segments[delta.Skipped].Duration - 0.001);
        Assert.NotNull(delta.Segments[0].ProgramDateTime);
        Assert.Equal(full.Map, delta.Map);
    }

    [Fact]
    public async Task DeltaUpdate_OfAPlaylistNoLongerThanCanSkipUntil_SkipsNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        // No timeShiftBufferDepth: the 6 segments ffmpeg's LL-DASH window keeps, 12 s, all within CAN-SKIP-UNTIL.
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation);
        for (var number = 2; number <= 9; number++)
        {
            await HlsChannelUpload.UploadSegmentAsync(origin, channel, number, Cancellation);
        }

        var text = await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=9&_HLS_skip=YES", UriKind.Relative), Cancellation);
        var delta = MediaPlaylist.Parse(text);

        Assert.DoesNotContain("#EXT-X-SKIP", text, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(4, 6).Select(n => (long)n), delta.Segments.Select(s => s.Number));
    }

    [Fact]
    public async Task Part_OfASegmentPastThePartWindow_IsNotFound_ThoughTheSegmentIsStillListed()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation, timeShiftBufferDepth: TimeSpan.FromSeconds(30));
        var first = MediaPlaylist.Parse(await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=1", UriKind.Relative), Cancellation));
        var oldPart = Assert.Single(first.Segments).Parts[0].Uri;
        for (var number = 2; number <= 8; number++)
        {
            await HlsChannelUpload.UploadSegmentAsync(origin, channel, number, Cancellation);
        }

        var later = MediaPlaylist.Parse(await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out-llhls-v.m3u8?_HLS_msn=8", UriKind.Relative), Cancellation));
        using var part = await origin.Delivery.GetAsync(new Uri($"/{channel}/{oldPart}", UriKind.Relative), Cancellation);
        using var whole = await origin.Delivery.GetAsync(new Uri($"/{channel}/{later.Segments[0].Uri}", UriKind.Relative), Cancellation);

        Assert.Equal(1, later.Segments[0].Number);
        Assert.Empty(later.Segments[0].Parts);
        Assert.Equal(HttpStatusCode.NotFound, part.StatusCode);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
    }

    [Fact]
    public async Task MalformedSegment_LeavesTheChannelWithoutHls_WithAReason_WhileDashIsServed()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        byte[] notCmaf = [0, 0, 0, 16, (byte)'m', (byte)'d', (byte)'a', (byte)'t', 1, 2, 3, 4, 5, 6, 7, 8];
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation, firstSegment: notCmaf);

        using var playlist = await origin.Delivery.GetAsync(new Uri($"/{channel}/out-llhls-v.m3u8", UriKind.Relative), Cancellation);
        using var mpd = await origin.Delivery.GetAsync(new Uri($"/{channel}/out.mpd", UriKind.Relative), Cancellation);
        using var segment = await origin.Delivery.GetAsync(new Uri($"/{channel}/chunk-v-00001.m4s", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, playlist.StatusCode);
        Assert.Contains("not CMAF", await playlist.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, mpd.StatusCode);
        Assert.Equal(notCmaf, await segment.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task UploadedPlaylist_WinsOverTheGeneratedOne()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var channel = TestPaths.Channel();
        await HlsChannelUpload.PublishAsync(origin, channel, Cancellation);
        const string uploaded = "#EXTM3U\n#EXT-X-VERSION:7\n# the encoder's own\n";
        using (var put = await origin.Ingest.PutAsync(new Uri($"/{channel}/out.m3u8", UriKind.Relative), new StringContent(uploaded), Cancellation))
        {
            put.EnsureSuccessStatusCode();
        }

        var served = await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out.m3u8", UriKind.Relative), Cancellation);

        Assert.Equal(uploaded, served);
    }
}
