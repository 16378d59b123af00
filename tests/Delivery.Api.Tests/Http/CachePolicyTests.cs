using System.Net;
using System.Net.Http.Headers;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Http;

/// <summary>Cache-Control, validators, conditional and range requests, as a player and a CDN see them.</summary>
public sealed class CachePolicyTests(OriginFixture fixture) : IClassFixture<OriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Manifest_IsNoCache()
    {
        var path = await UploadAsync("out.mpd", "<MPD></MPD>"u8.ToArray());

        using var response = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task CompletedSegment_IsImmutableForTheRetentionLeft()
    {
        var path = await UploadAsync("chunk-stream0-00001.m4s", [1, 2, 3]);

        using var response = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        var cacheControl = response.Headers.CacheControl!;
        Assert.True(cacheControl.Public);
        Assert.Contains(cacheControl.Extensions, e => e.Name == "immutable");
        // The default retention is 2 minutes; what is left of it, never more.
        Assert.InRange(cacheControl.MaxAge!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120));
    }

    [Theory]
    [InlineData("init-stream0.m4s")]
    [InlineData("video.init")]
    [InlineData("audio.header")]
    public async Task InitSegment_WhoseNameEveryEncoderRunReuses_IsRevalidated_NeverImmutable(string name)
    {
        var path = await UploadAsync(name, TestPaths.Payload(1000, 1));
        using var first = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        var cacheControl = first.Headers.CacheControl!;
        Assert.DoesNotContain(cacheControl.Extensions, e => e.Name == "immutable");
        Assert.True(cacheControl.NoCache);
        Assert.Null(cacheControl.MaxAge);
        Assert.NotNull(first.Headers.ETag);

        // The encoder restarts with other settings and uploads the same name again: a cache revalidating its copy gets the new one.
        var restarted = TestPaths.Payload(1200, 2);
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(restarted), Cancellation)).Dispose();
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, path);
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _origin.Delivery.SendAsync(revalidate, Cancellation);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(restarted, await second.Content.ReadAsByteArrayAsync(Cancellation));

        // Unchanged since: 304, no body.
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(second.Headers.ETag!);
        using var notModified = await _origin.Delivery.SendAsync(again, Cancellation);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Manifest_HasAnETag_AndAnswersItsRevalidationWith304()
    {
        var path = await UploadAsync("out.mpd", "<MPD></MPD>"u8.ToArray());
        using var first = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, path);
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await _origin.Delivery.SendAsync(revalidate, Cancellation);

        Assert.DoesNotContain(first.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task InProgressSegment_IsNoCache()
    {
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00002.m4s";
        await using var upload = PacedUpload.Start(_origin.Ingest, path);
        await upload.SendAsync([1], Cancellation);
        await _origin.WaitForCurrentAsync(path, meta => meta?.Size == 1, Cancellation);

        await using var viewer = await StreamingViewer.OpenAsync(_origin.Delivery, path, Cancellation);

        Assert.True(viewer.Response.Headers.CacheControl?.NoCache);
        Assert.Null(viewer.Response.Headers.ETag);
    }

    [Fact]
    public async Task NotFound_IsNoStore()
    {
        using var response = await _origin.Delivery.GetAsync(new Uri($"/{TestPaths.Channel()}/never.m4s", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Completed_HasValidators_AndAnswersConditionalGetWith304()
    {
        var path = await UploadAsync("init-stream0.m4s", TestPaths.Payload(1000, 1));
        using var first = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.False(etag.IsWeak);

        using var byTag = new HttpRequestMessage(HttpMethod.Get, path);
        byTag.Headers.IfNoneMatch.Add(etag);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, path);
        byDate.Headers.IfModifiedSince = lastModified;
        using var notModifiedByTag = await _origin.Delivery.SendAsync(byTag, Cancellation);
        using var notModifiedByDate = await _origin.Delivery.SendAsync(byDate, Cancellation);

        Assert.Equal(HttpStatusCode.NotModified, notModifiedByTag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, notModifiedByDate.StatusCode);
        Assert.Empty(await notModifiedByTag.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task ReplacedObject_GetsANewETag()
    {
        var path = await UploadAsync("out.mpd", "<MPD>1</MPD>"u8.ToArray());
        using var first = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        (await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent("<MPD>2</MPD>"u8.ToArray()), Cancellation)).Dispose();

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _origin.Delivery.SendAsync(conditional, Cancellation);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task Range_Satisfiable_Is206WithTheRequestedBytes()
    {
        var body = TestPaths.Payload(5000, 2);
        var path = await UploadAsync("chunk-stream0-00003.m4s", body);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var response = await _origin.Delivery.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 100-199/5000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(body[100..200], await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Range_Unsatisfiable_Is416WithTheSize()
    {
        var path = await UploadAsync("chunk-stream0-00004.m4s", TestPaths.Payload(5000, 3));

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(6000, 7000);
        using var response = await _origin.Delivery.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */5000", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Head_AgreesWithGet()
    {
        var path = await UploadAsync("chunk-stream0-00005.m4s", TestPaths.Payload(4321, 4));

        using var get = await _origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        using var head = await _origin.Delivery.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Cancellation);

        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        // max-age counts down the retention, so it may have ticked between the two requests.
        Assert.Equal(get.Headers.CacheControl!.Public, head.Headers.CacheControl!.Public);
        Assert.InRange(get.Headers.CacheControl.MaxAge!.Value - head.Headers.CacheControl.MaxAge!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(get.Headers.AcceptRanges, head.Headers.AcceptRanges);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Cancellation));
    }

    private async Task<string> UploadAsync(string name, byte[] body)
    {
        var path = $"/{TestPaths.Channel()}/{name}";
        using var response = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);
        response.EnsureSuccessStatusCode();
        Assert.Equal(ObjectState.Complete, (await _origin.CurrentMetaAsync(path))?.State);
        return path;
    }
}
