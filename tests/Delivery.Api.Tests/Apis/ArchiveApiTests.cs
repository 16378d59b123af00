using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Delivery.Tests.Archive;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Apis;

/// <summary>A channel's archive as a player or a page reads it: the list of runs, and a final run's files.</summary>
public sealed class ArchiveApiTests(ArchiveOriginFixture fixture) : IClassFixture<ArchiveOriginFixture>
{
    private const string FinalRunId = "20261201T090000Z";
    private const string LiveRunId = "20261202T101500Z";

    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    public async Task List_LiveAndFinalRuns_NewestFirst_WithUrlsOnlyForTheFinalOne(string trailer)
    {
        var channel = TestPaths.Channel();
        WriteFinalRun(channel);
        WriteLiveRun(channel);

        using var response = await GetAsync($"/{channel}/archive{trailer}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var runs = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([LiveRunId, FinalRunId], runs.Select(run => run.GetProperty("id").GetString()));

        var live = runs[0];
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero), live.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, live.GetProperty("endedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, live.GetProperty("mpd").ValueKind);
        Assert.Equal(JsonValueKind.Null, live.GetProperty("hls").ValueKind);
        var liveTrack = Assert.Single(live.GetProperty("tracks").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, liveTrack.GetProperty("url").ValueKind);
        Assert.Equal(4096, liveTrack.GetProperty("bytes").GetInt64());

        var final = runs[1];
        var runUrl = $"/{channel}/archive/{FinalRunId}/";
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), final.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(1800.5, final.GetProperty("duration").GetDouble());
        Assert.Equal(runUrl + "manifest.mpd", final.GetProperty("mpd").GetString());
        Assert.Equal(runUrl + "master.m3u8", final.GetProperty("hls").GetString());
        Assert.Equal(
            [("0", "video", runUrl + "0.mp4", 30_000L), ("1", "audio", runUrl + "1.mp4", 2_000L)],
            final.GetProperty("tracks").EnumerateArray().Select(t => (t.GetProperty("id").GetString(), t.GetProperty("contentType").GetString(), t.GetProperty("url").GetString(), t.GetProperty("bytes").GetInt64())));
        var gap = Assert.Single(final.GetProperty("gaps").EnumerateArray());
        Assert.Equal(("0", 10L, 12L, "aborted upload"), (gap.GetProperty("track").GetString(), gap.GetProperty("fromSegment").GetInt64(), gap.GetProperty("toSegment").GetInt64(), gap.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task List_ChannelWithoutRuns_IsAnEmptyArray()
    {
        using var response = await GetAsync($"/{TestPaths.Channel()}/archive/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task List_RootChannel_IsAtSlashArchive_AndItsUrlsToo()
    {
        WriteFinalRun(string.Empty);

        using var response = await GetAsync("/archive/");

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var run = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal($"/archive/{FinalRunId}/manifest.mpd", run.GetProperty("mpd").GetString());
        using var manifest = await GetAsync(run.GetProperty("mpd").GetString()!);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
    }

    [Fact]
    public async Task List_Revalidated_Is304UntilARunChanges()
    {
        var channel = TestPaths.Channel();
        WriteLiveRun(channel);
        using var first = await GetAsync($"/{channel}/archive/");
        var entityTag = Assert.IsType<EntityTagHeaderValue>(first.Headers.ETag);

        using var same = await GetAsync($"/{channel}/archive/", request => request.Headers.IfNoneMatch.Add(entityTag));
        WriteFinalRun(channel);
        using var changed = await GetAsync($"/{channel}/archive/", request => request.Headers.IfNoneMatch.Add(entityTag));

        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Head_List_HasTheHeadersOfGetAndNoBody()
    {
        var channel = TestPaths.Channel();
        WriteFinalRun(channel);
        using var get = await GetAsync($"/{channel}/archive/");

        using var head = await SendAsync(HttpMethod.Head, $"/{channel}/archive/");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("manifest.mpd", "application/dash+xml")]
    [InlineData("master.m3u8", "application/vnd.apple.mpegurl")]
    [InlineData("0.m3u8", "application/vnd.apple.mpegurl")]
    [InlineData("0.mp4", "video/mp4")]
    [InlineData("1.mp4", "audio/mp4")]
    public async Task Get_FinalRunFile_IsServedWhole_Immutable_WithValidators(string file, string contentType)
    {
        var channel = TestPaths.Channel();
        var files = WriteFinalRun(channel);

        using var response = await GetAsync($"/{channel}/archive/{FinalRunId}/{file}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(files[file], await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(files[file].Length, response.Content.Headers.ContentLength);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));

        using var revalidated = await GetAsync($"/{channel}/archive/{FinalRunId}/{file}", request => request.Headers.IfNoneMatch.Add(response.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Get_Range_Is206WithExactlyThoseBytes()
    {
        var channel = TestPaths.Channel();
        var track = WriteFinalRun(channel)["0.mp4"];

        using var response = await GetAsync($"/{channel}/archive/{FinalRunId}/0.mp4", request => request.Headers.Range = new RangeHeaderValue(1000, 5999));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(track[1000..6000], await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal($"bytes 1000-5999/{track.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Get_RangePastTheEnd_Is416()
    {
        var channel = TestPaths.Channel();
        var track = WriteFinalRun(channel)["0.mp4"];

        using var response = await GetAsync($"/{channel}/archive/{FinalRunId}/0.mp4", request => request.Headers.Range = new RangeHeaderValue(track.Length + 10, null));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{track.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Head_FinalRunFile_HasItsLengthAndNoBody()
    {
        var channel = TestPaths.Channel();
        var track = WriteFinalRun(channel)["0.mp4"];

        using var response = await SendAsync(HttpMethod.Head, $"/{channel}/archive/{FinalRunId}/0.mp4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(track.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("0.mp4")]
    [InlineData("0.mp4.part")]
    [InlineData("manifest.mpd")]
    public async Task Get_FileOfALiveRun_Is404_NotFinalYet(string file)
    {
        var channel = TestPaths.Channel();
        WriteLiveRun(channel);

        using var response = await GetAsync($"/{channel}/archive/{LiveRunId}/{file}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not final yet", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("0.mp4.part")]
    [InlineData("0.journal")]
    [InlineData("run.json")]
    [InlineData("run.json.tmp")]
    [InlineData("notes.mp4")]
    [InlineData("2.mp4")]
    public async Task Get_AnyOtherFileOfAFinalRun_Is404_EvenWhenItIsOnDisk(string file)
    {
        var channel = TestPaths.Channel();
        var onDisk = Path.Combine(WriteFinalRunDirectory(channel), file);
        if (!File.Exists(onDisk))
        {
            File.WriteAllBytes(onDisk, TestPaths.Payload(64, 3));
        }

        using var response = await GetAsync($"/{channel}/archive/{FinalRunId}/{file}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such file", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/{c}/archive/{r}/../{r}/0.mp4")]
    [InlineData("/{c}/archive/%2e%2e/archive/{r}/0.mp4")]
    [InlineData("/{c}/archive/{r}/%2e%2e%2f%2e%2e%2f{r}/0.mp4")]
    [InlineData("/{c}/archive/{r}/..%2frun.json")]
    [InlineData("/{c}/archive/{r}/0.mp4%00")]
    [InlineData("/{c}/archive/{r}\\0.mp4")]
    public async Task Get_TraversalOrEncodedArchivePath_Is400(string template)
    {
        var channel = TestPaths.Channel();
        WriteFinalRun(channel);

        var response = await RawGetAsync(template.Replace("{c}", channel, StringComparison.Ordinal).Replace("{r}", FinalRunId, StringComparison.Ordinal));

        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("2026120T1090000Z")]
    [InlineData("20261201T090000Z-")]
    [InlineData("20261201T090000Z-12345")]
    [InlineData("latest")]
    public async Task Get_UnderSomethingThatIsNotARunId_IsNotAnArchiveFile(string run)
    {
        var channel = TestPaths.Channel();
        WriteFinalRun(channel);

        using var response = await GetAsync($"/{channel}/archive/{run}/0.mp4");

        // Not the archive's: the object route's answer for a path nothing was uploaded to.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nothing is stored at this path", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ObjectUploadedUnderArchive_IsServedUnlessItsPathIsAnArchiveFilesPath()
    {
        var channel = TestPaths.Channel();
        var segment = TestPaths.Payload(500, 1);
        foreach (var path in new[] { $"/{channel}/archive/x.m4s", $"/{channel}/archive/{FinalRunId}/x.m4s" })
        {
            using var put = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(segment), Cancellation);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var plain = await GetAsync($"/{channel}/archive/x.m4s");
        using var shadowed = await GetAsync($"/{channel}/archive/{FinalRunId}/x.m4s");

        Assert.Equal(segment, await plain.Content.ReadAsByteArrayAsync(Cancellation));
        // <channel>/archive/<run id>/<file> is the archive's: no such run here.
        Assert.Equal(HttpStatusCode.NotFound, shadowed.StatusCode);
        Assert.Contains("no archived run", await shadowed.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    /// <summary>A final run of two tracks with its files, and the bytes of each file by name.</summary>
    private Dictionary<string, byte[]> WriteFinalRun(string channel)
    {
        var directory = WriteFinalRunDirectory(channel);
        var files = new Dictionary<string, byte[]>
        {
            ["manifest.mpd"] = "<?xml version=\"1.0\"?><MPD type=\"static\"/>"u8.ToArray(),
            ["master.m3u8"] = "#EXTM3U\n"u8.ToArray(),
            ["0.m3u8"] = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n"u8.ToArray(),
            ["1.m3u8"] = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n"u8.ToArray(),
            ["0.mp4"] = TestPaths.Payload(30_000, 1),
            ["1.mp4"] = TestPaths.Payload(2_000, 2),
        };
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }

        return files;
    }

    private string WriteFinalRunDirectory(string channel) =>
        fixture.Archive.WriteRun(channel, new ArchiveRun
        {
            Id = FinalRunId,
            Channel = channel,
            State = ArchiveRunState.Final,
            StartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
            EndedAt = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero),
            Duration = 1800.5,
            Tracks =
            [
                new ArchiveTrack { Id = "0", ContentType = "video", Timescale = 15360, Segments = 900, Bytes = 30_000 },
                new ArchiveTrack { Id = "1", ContentType = "audio", MimeType = "audio/mp4", Timescale = 48000, Segments = 900, Bytes = 2_000 },
            ],
            Gaps = [new ArchiveGap { Track = "0", FromSegment = 10, ToSegment = 12, Reason = "aborted upload" }],
        });

    private void WriteLiveRun(string channel)
    {
        var directory = fixture.Archive.WriteRun(channel, new ArchiveRun
        {
            Id = LiveRunId,
            Channel = channel,
            State = ArchiveRunState.Live,
            StartedAt = new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero),
            Duration = 2,
            Tracks = [new ArchiveTrack { Id = "0", ContentType = "video", Timescale = 15360, Segments = 1, Bytes = 4096 }],
        });
        File.WriteAllBytes(Path.Combine(directory, ArchiveLayout.LiveTrackFile("0")), TestPaths.Payload(4096, 5));
    }

    private Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Get, path, configure);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        configure?.Invoke(request);
        return await _origin.Delivery.SendAsync(request, Cancellation);
    }

    private Task<RawResponse> RawGetAsync(string target) =>
        RawConnection.ExchangeAsync(_origin.DeliveryUri, RawConnection.Bytes($"GET {target} HTTP/1.1\r\nHost: origin\r\n\r\n"), Cancellation);
}
