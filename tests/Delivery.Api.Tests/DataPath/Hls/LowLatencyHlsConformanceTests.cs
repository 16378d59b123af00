using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>
/// The LL-HLS Delivery generates from a live ffmpeg push, checked against RFC 8216bis's rules: reloaded with blocking
/// directives as a player does, on two Delivery instances, and read by ffmpeg's own HLS demuxer.
/// </summary>
public sealed class LowLatencyHlsConformanceTests(LiveHlsFixture live) : IClassFixture<LiveHlsFixture>
{
    /// <summary>The longest frame of the push: a video frame at 30 fps (an AAC frame is 21 ms).</summary>
    private const double Frame = 1.0 / 30;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task MultivariantPlaylist_HasAVariantPerVideoRepresentationAndAnAudioGroup()
    {
        using var response = await live.Origin.Delivery.GetAsync(new Uri(live.MultivariantPath, UriKind.Relative), Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Output?.WriteLine(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var lines = text.Split('\n');
        Assert.Contains("#EXT-X-INDEPENDENT-SEGMENTS", lines);
        Assert.Contains(lines, l => l.StartsWith("#EXT-X-VERSION:", StringComparison.Ordinal) && int.Parse(l[15..], CultureInfo.InvariantCulture) >= 9);
        var variants = lines.Where(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, variants.Count);
        Assert.Contains("RESOLUTION=640x360", variants[0], StringComparison.Ordinal);
        Assert.Contains("RESOLUTION=426x240", variants[1], StringComparison.Ordinal);
        Assert.All(variants, v => Assert.Matches("BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\".*FRAME-RATE=30\\.000,AUDIO=\"audio\"", v));
        Assert.Contains(lines, l => l.StartsWith("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\"", StringComparison.Ordinal) && l.Contains("URI=\"out-llhls-2.m3u8\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MediaPlaylists_KeepTheRfcRules_AcrossBlockingReloads()
    {
        foreach (var rendition in new[] { 0, 2 })
        {
            var playlists = await FollowAsync(live.Origin.Delivery, live.MediaPlaylistPath(rendition), TimeSpan.FromSeconds(6));
            Output?.WriteLine($"rendition {rendition}: {playlists.Count} playlists; the last:\n{playlists[^1].Text}");
            var identities = new Dictionary<string, (long Segment, int Index, double Duration)>(StringComparer.Ordinal);
            DateTimeOffset? lastProgramDateTime = null;
            foreach (var (text, playlist) in playlists)
            {
                Assert.True(playlist.Version >= 9, text);
                Assert.Equal("init-stream" + rendition + ".m4s", playlist.Map);
                Assert.True(playlist.PartHoldBack >= 3 * playlist.PartTarget - 1e-9, $"PART-HOLD-BACK {playlist.PartHoldBack} < 3 × PART-TARGET {playlist.PartTarget}");
                Assert.True(playlist.CanSkipUntil >= 6 * playlist.TargetDuration, text);
                Assert.NotNull(playlist.PreloadHint);
                Assert.Equal(2, playlist.RenditionReports.Count);
                foreach (var segment in playlist.Segments)
                {
                    Assert.NotNull(segment.ProgramDateTime);
                    Assert.All(segment.Parts, part => Assert.True(part.Duration <= playlist.PartTarget + 1e-9, $"part {part.Uri} {part.Duration} > PART-TARGET {playlist.PartTarget}"));
                    if (segment.Complete)
                    {
                        Assert.True(Math.Round(segment.Duration, MidpointRounding.AwayFromZero) <= playlist.TargetDuration, text);
                    }

                    // A segment listed with all its parts: they add up to its EXTINF within a frame.
                    if (segment.Complete && segment.Parts.Count > 0 && segment.Parts[0].Independent)
                    {
                        Assert.True(Math.Abs(segment.Parts.Sum(p => p.Duration) - segment.Duration) <= Frame, $"segment {segment.Number}: parts {segment.Parts.Sum(p => p.Duration)} vs EXTINF {segment.Duration}");
                    }

                    if (rendition == 0 && segment.Parts.Count > 0)
                    {
                        // Video: a segment starts with a key frame, and only its first part does.
                        Assert.True(segment.Parts[0].Independent, $"segment {segment.Number} does not start independent");
                    }

                    for (var i = 0; i < segment.Parts.Count; i++)
                    {
                        // The same part has the same place in every reload.
                        var part = segment.Parts[i];
                        var identity = (segment.Number, i, part.Duration);
                        Assert.Equal(identities.GetValueOrDefault(part.Uri, identity), identity);
                        identities[part.Uri] = identity;
                    }
                }

                var dates = playlist.Segments.Select(s => s.ProgramDateTime!.Value).ToList();
                Assert.Equal(dates.Order(), dates);
                Assert.True(lastProgramDateTime is null || dates[0] >= lastProgramDateTime.Value.AddSeconds(-20), text);
                lastProgramDateTime = dates[0];
            }

            // Blocking reloads advance: parts were announced one after another.
            Assert.True(identities.Count >= 8, $"only {identities.Count} parts seen in 6 s");
        }
    }

    [Fact]
    public async Task TwoDeliveryInstances_ListTheSameSegmentsAndParts()
    {
        var first = await GetPlaylistAsync(live.Origin.Delivery, live.MediaPlaylistPath(1));
        var msn = first.Segments[^1].Number + 1;
        // Both asked to block for the same part: both answer with it listed.
        var query = $"?_HLS_msn={msn}&_HLS_part=0";
        var a = GetPlaylistAsync(live.Origin.Delivery, live.MediaPlaylistPath(1) + query);
        var b = GetPlaylistAsync(live.SecondDelivery.Client, live.MediaPlaylistPath(1) + query);
        var (one, two) = (await a, await b);

        foreach (var segment in one.Segments.Where(s => s.Number <= msn - 1))
        {
            var other = two.Segments.Single(s => s.Number == segment.Number);
            Assert.Equal(segment.Duration, other.Duration);
            Assert.Equal(segment.ProgramDateTime, other.ProgramDateTime);
            Assert.Equal(segment.Uri, other.Uri);
            Assert.Equal(segment.Parts.Take(other.Parts.Count), other.Parts.Take(segment.Parts.Count));
        }

        Assert.Equal(one.MediaSequence, two.MediaSequence);
        Assert.Equal(one.PartTarget, two.PartTarget);
        Assert.Equal(one.TargetDuration, two.TargetDuration);
    }

    [Fact]
    public async Task Parts_OfACompleteSegment_AreItsBytesInOrder()
    {
        var playlist = await GetPlaylistAsync(live.Origin.Delivery, live.MediaPlaylistPath(0));
        var segment = playlist.Segments.Last(s => s.Complete && s.Parts.Count > 0 && s.Parts[0].Independent);
        var directory = live.MultivariantPath[..live.MultivariantPath.LastIndexOf('/')];
        var whole = await live.Origin.Delivery.GetByteArrayAsync(new Uri($"{directory}/{segment.Uri}", UriKind.Relative), Cancellation);
        var joined = new List<byte>();
        foreach (var part in segment.Parts)
        {
            using var response = await live.Origin.Delivery.GetAsync(new Uri($"{directory}/{part.Uri}", UriKind.Relative), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
            joined.AddRange(await response.Content.ReadAsByteArrayAsync(Cancellation));
        }

        Assert.Equal(whole, joined.ToArray());
    }

    [Fact]
    public async Task PreloadHint_IsHeldUntilThePartExists_ThenServed()
    {
        var playlist = await GetPlaylistAsync(live.Origin.Delivery, live.MediaPlaylistPath(0));
        var directory = live.MultivariantPath[..live.MultivariantPath.LastIndexOf('/')];
        var clock = Stopwatch.StartNew();
        using var response = await live.Origin.Delivery.GetAsync(new Uri($"{directory}/{playlist.PreloadHint}", UriKind.Relative), Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);
        Output?.WriteLine($"{playlist.PreloadHint}: {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms, {body.Length} bytes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Length > 100);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "the hinted part took longer than a part to arrive");
    }

    [Fact]
    public async Task BlockingReload_RefusesAPartWithoutMsnAndAnMsnTooFarAhead()
    {
        var playlist = await GetPlaylistAsync(live.Origin.Delivery, live.MediaPlaylistPath(0));
        var last = playlist.Segments[^1].Number;
        var path = live.MediaPlaylistPath(0);

        using var partOnly = await live.Origin.Delivery.GetAsync(new Uri(path + "?_HLS_part=1", UriKind.Relative), Cancellation);
        using var tooFar = await live.Origin.Delivery.GetAsync(new Uri($"{path}?_HLS_msn={last + 3}", UriKind.Relative), Cancellation);
        using var malformed = await live.Origin.Delivery.GetAsync(new Uri($"{path}?_HLS_msn=x", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, partOnly.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task FfmpegHlsDemuxer_DecodesTheMultivariantPlaylist()
    {
        var url = new Uri(live.Origin.DeliveryUri, live.MultivariantPath).AbsoluteUri;
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-nostats", "-loglevel", "error", "-live_start_index", "-3", "-i", url, "-t", "5", "-map", "0:v:0", "-map", "0:a:0", "-progress", "pipe:1", "-f", "null", "-"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = ffmpeg.StandardOutput.ReadToEndAsync(Cancellation);
        var stderr = ffmpeg.StandardError.ReadToEndAsync(Cancellation);
        try
        {
            await ffmpeg.WaitForExitAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(40), Cancellation);
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill();
            }
        }

        var progress = await stdout;
        var decoded = progress.Split('\n').Where(l => l.StartsWith("out_time_us=", StringComparison.Ordinal)).Select(l => long.Parse(l[12..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        Output?.WriteLine($"decoded {decoded / 1e6:0.00} s; stderr: {await stderr}");
        Assert.Equal(0, ffmpeg.ExitCode);
        Assert.True(decoded >= 4_000_000, $"ffmpeg decoded only {decoded / 1e6:0.00} s");
    }

    private static async Task<MediaPlaylist> GetPlaylistAsync(HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(new Uri(pathAndQuery, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        return MediaPlaylist.Parse(text);
    }

    /// <summary>Reloads a media playlist as an LL-HLS player does: each time blocking for the part after the last one listed.</summary>
    private static async Task<List<(string Text, MediaPlaylist Playlist)>> FollowAsync(HttpClient client, string path, TimeSpan duration)
    {
        var playlists = new List<(string, MediaPlaylist)>();
        var clock = Stopwatch.StartNew();
        var query = string.Empty;
        while (clock.Elapsed < duration)
        {
            using var response = await client.GetAsync(new Uri(path + query, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
            var text = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}{query}: {(int)response.StatusCode} {text}");
            var playlist = MediaPlaylist.Parse(text);
            playlists.Add((text, playlist));
            var last = playlist.Segments[^1];
            query = last.Complete
                ? $"?_HLS_msn={last.Number + 1}&_HLS_part=0"
                : $"?_HLS_msn={last.Number}&_HLS_part={last.Parts.Count}";
        }

        return playlists;
    }
}
