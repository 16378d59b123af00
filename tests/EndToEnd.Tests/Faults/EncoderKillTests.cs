using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>ffmpeg killed with SIGKILL in the middle of a segment, then the same path uploaded again, twice.</summary>
public sealed class EncoderKillTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task EncoderKilledMidSegment_AbortsItsSegmentAndViewers_ThenReuploadsAndRetriesAreServedWhole()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(60) });
        string path;
        byte[] reference;
        var killed = false;
        try
        {
            // A complete segment to re-upload later (what a restarted encoder would send), and the next one in progress.
            var number = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 2, TimeSpan.FromSeconds(40), Cancellation);
            await origin.WaitForCurrentAsync(encoder.SegmentPath(0, number - 1), meta => meta is { State: ObjectState.Complete }, Cancellation);
            reference = await origin.Delivery.GetByteArrayAsync(new Uri(encoder.SegmentPath(0, number - 1), UriKind.Relative), Cancellation);
            path = encoder.SegmentPath(0, number);
            await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
            // A fragment or two in: the header box alone would make a weak test.
            await viewer.WaitForBytesAsync(5_000, Cancellation);
            var version = (string?)await redis.Connection.GetDatabase().StringGetAsync(origin.Keys.Current(ObjectPath.Parse(path)));
            Assert.NotNull(version);

            // kill -9, mid-segment.
            await encoder.DisposeAsync();
            killed = true;

            // Its viewer is reset, never ended as if the segment were whole; the version is marked aborted.
            Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "the viewer of the killed segment got a clean end");
            var meta = ObjectMeta.FromHash(await redis.Connection.GetDatabase().HashGetAllAsync(origin.Keys.Meta(ObjectPath.Parse(path), version!)));
            Assert.Equal(ObjectState.Aborted, meta?.State);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {viewer.Received.Length} bytes reached the viewer before the reset; version {version} {meta?.State}"));
        }
        finally
        {
            if (!killed)
            {
                await encoder.DisposeAsync();
            }
        }

        // A new GET does not get the truncated bytes: nothing is current there (404 after the early-request wait).
        Assert.Equal(404, await SegmentChecks.GetWholeOrNothingAsync(origin, path, Cancellation));

        // The encoder comes back and uploads the same path again (chunked, in two pieces): 201, served whole.
        await using (var reupload = PacedUpload.Start(origin.Ingest, path))
        {
            await reupload.SendAsync(reference[..(reference.Length / 2)], Cancellation);
            await reupload.SendAsync(reference[(reference.Length / 2)..], Cancellation);
            using var created = await reupload.CompleteAsync(Cancellation);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(reference, await GetAsync(origin, path));

        // An encoder retry sending the same bytes again: no error, the same bytes served, nothing appended.
        for (var retry = 0; retry < 2; retry++)
        {
            using var replaced = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(reference), Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
            Assert.Equal(reference, await GetAsync(origin, path));
        }

        var current = await origin.CurrentMetaAsync(path);
        Assert.Equal(reference.Length, current!.Size);
        Assert.Equal(ObjectState.Complete, current.State);
    }

    private static async Task<byte[]> GetAsync(OriginHost origin, string path)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Mp4Boxes.TopLevel(body);
        return body;
    }
}
