using System.Diagnostics;
using System.Globalization;
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
        await PublishAsync(origin, channel, CmafSample.Segment(0, [15, 15, 15, 15]));

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
        await PublishAsync(origin, channel, notCmaf);

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
        await PublishAsync(origin, channel, CmafSample.Segment(0, [15, 15, 15, 15]));
        const string uploaded = "#EXTM3U\n#EXT-X-VERSION:7\n# the encoder's own\n";
        using (var put = await origin.Ingest.PutAsync(new Uri($"/{channel}/out.m3u8", UriKind.Relative), new StringContent(uploaded), Cancellation))
        {
            put.EnsureSuccessStatusCode();
        }

        var served = await origin.Delivery.GetStringAsync(new Uri($"/{channel}/out.m3u8", UriKind.Relative), Cancellation);

        Assert.Equal(uploaded, served);
    }

    /// <summary>A live MPD with one video representation <c>v</c> (2 s segments), its init segment and segment 1.</summary>
    private static async Task PublishAsync(OriginHost origin, string channel, byte[] segment)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var mpd = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="{start}" minimumUpdatePeriod="PT500S">
              <Period id="0" start="PT0.0S">
                <AdaptationSet id="0" contentType="video" frameRate="30/1">
                  <Representation id="v" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="800000" width="640" height="360">
                    <SegmentTemplate timescale="1000000" duration="2000000" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1" />
                  </Representation>
                </AdaptationSet>
              </Period>
            </MPD>
            """;
        foreach (var (name, body) in new[] { ("out.mpd", System.Text.Encoding.UTF8.GetBytes(mpd)), ("init-v.m4s", CmafSample.Init()), ("chunk-v-00001.m4s", segment) })
        {
            using var put = await origin.Ingest.PutAsync(new Uri($"/{channel}/{name}", UriKind.Relative), new ByteArrayContent(body), Cancellation);
            put.EnsureSuccessStatusCode();
        }
    }
}
