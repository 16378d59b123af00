using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Archive;

/// <summary>DVR while live: the MPD advertises the window, and segments Redis no longer holds come from the archive's live run.</summary>
public sealed class DvrFallbackTests(DvrFixture fixture) : IClassFixture<DvrFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mpd_WithDvrWindow_AdvertisesItAsTimeShiftBufferDepth()
    {
        var withDvr = XDocument.Parse(await _origin.Delivery.GetStringAsync(new Uri(fixture.ManifestPath, UriKind.Relative), Cancellation));
        var withoutDvr = XDocument.Parse(await fixture.WithoutDvr.Client.GetStringAsync(new Uri(fixture.ManifestPath, UriKind.Relative), Cancellation));

        Assert.Equal("PT120S", (string?)withDvr.Root!.Attribute("timeShiftBufferDepth"));
        // Without a window the MPD keeps the encoder's own.
        Assert.Equal("PT10.0S", (string?)withoutDvr.Root!.Attribute("timeShiftBufferDepth"));
    }

    [Fact]
    public async Task Get_SegmentDeletedFromRedis_IsServedByteExactFromTheLiveFile_WithTheHeadersRedisGaveIt()
    {
        var expected = DvrFixture.Segment(140);
        var journal = ArchiveFiles.ReadJournal(Path.Combine(fixture.RunDirectory, ArchiveLayout.Journal("0"))).Single(s => s.Number == 140);
        var onDisk = File.ReadAllBytes(Path.Combine(fixture.RunDirectory, ArchiveLayout.LiveTrackFile("0")))[(int)journal.Offset..(int)journal.End];

        using var response = await _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(140), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);
        Assert.Equal(expected, body);
        Assert.Equal(onDisk, body);
        Assert.Equal(expected.Length, response.Content.Headers.ContentLength);
        Assert.Equal("video/iso.segment", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fixture.DeletedEntityTag, response.Headers.ETag?.Tag);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var cacheControl = Assert.IsType<CacheControlHeaderValue>(response.Headers.CacheControl);
        Assert.True(cacheControl.Public && cacheControl.Extensions.Any(e => e.Name == "immutable"), cacheControl.ToString());
        // Cacheable for what it has left in the window, no longer.
        Assert.InRange(cacheControl.MaxAge!.Value, TimeSpan.FromSeconds(1), DvrFixture.Window);
    }

    [Fact]
    public async Task Get_RangeOfASegmentFromTheArchive_Is206WithExactlyThoseBytes()
    {
        var expected = DvrFixture.Segment(140);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.SegmentPath(140), UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(100, 299);

        using var response = await _origin.Delivery.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(expected[100..300], await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal($"bytes 100-299/{expected.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Head_SegmentFromTheArchive_HasItsLengthAndNoBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(fixture.SegmentPath(120), UriKind.Relative));

        using var response = await _origin.Delivery.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DvrFixture.Segment(120).Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_SegmentStillInRedis_IsServedFromRedis()
    {
        using var response = await _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(141), UriKind.Relative), Cancellation);

        Assert.Equal(DvrFixture.Segment(141), await response.Content.ReadAsByteArrayAsync(Cancellation));
        // A completed version from Redis carries its upload's time; the archive's copy has none.
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Get_WithoutDvrWindow_SegmentDeletedFromRedis_Is404AsBefore()
    {
        using var response = await fixture.WithoutDvr.Client.GetAsync(new Uri(fixture.SegmentPath(140), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nothing is stored at this path", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    public async Task Get_SegmentOlderThanTheWindow_Is404(long number)
    {
        using var response = await _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(number), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Get_SegmentJustPastTheWindow_Is404AtOnce_WithTheReason()
    {
        // Ended 180 s ago. (Segments more than twice the window behind are no longer looked up: 404 after the early-request wait.)
        var started = TimeProvider.System.GetTimestamp();

        using var response = await _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(60), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("older than the DVR window", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMilliseconds(900), "it waited for an upload");
    }

    [Fact]
    public async Task Get_NameTheArchiveHasFromAnEarlierEncoderRun_IsNotServedFromIt()
    {
        using var response = await _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(145), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nothing is stored at this path", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SegmentNotUploadedYet_IsHeldForItsUpload_EvenWhenTheArchiveHasTheName()
    {
        // 152 is ahead of the newest segment started (150): the early-request wait, not the archive, answers it.
        var uploaded = TestPaths.Payload(700, 152);
        using var hold = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var held = _origin.Delivery.GetAsync(new Uri(fixture.SegmentPath(152), UriKind.Relative), Cancellation);
        await _origin.WaitForHeldRequestAsync(hold.Token);

        using (var put = await _origin.Ingest.PutAsync(new Uri(fixture.SegmentPath(152), UriKind.Relative), new ByteArrayContent(uploaded), Cancellation))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var response = await held;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(uploaded, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }
}
