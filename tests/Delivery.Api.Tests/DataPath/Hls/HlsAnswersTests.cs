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
