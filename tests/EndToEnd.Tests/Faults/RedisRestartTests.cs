using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>Redis killed with SIGKILL and restarted while ffmpeg pushes a live channel: fail fast, then heal alone.</summary>
public sealed class RedisRestartTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RedisKilledDuringAPush_OriginAnswers503AndAborts_ThenRecoversWithoutRestarts(bool comesBackWithItsData)
    {
        // A Redis of its own (the assembly's shared one must stay up): with an fsynced append-only file as in
        // production, so it comes back with its data, or without persistence, so it comes back empty.
        await using var redis = await RedisServer.StartDedicatedAsync(persistent: comesBackWithItsData);
        await using var origin = await OriginHost.StartAsync(redis);
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { IgnoreIoErrors = true, Duration = TimeSpan.FromSeconds(90) });

        // 1. The stream flows; a viewer follows the segment being written.
        var before = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 2, TimeSpan.FromSeconds(40), Cancellation);
        var followed = encoder.SegmentPath(0, before);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, followed, Cancellation);
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        await viewer.WaitForBytesAsync(1, Cancellation);

        // 2. kill -9.
        await redis.KillAsync();
        var down = Stopwatch.StartNew();

        // The viewer of the in-progress segment is reset, not left hanging or ended as if complete.
        Assert.False(await viewer.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "the in-progress response ended cleanly while Redis was down");
        var viewerCut = down.Elapsed;

        // New requests fail fast with 503 and Retry-After: a complete segment, a future one, a new upload.
        var complete = await SegmentChecks.StatusWithinAsync(origin.Delivery, encoder.SegmentPath(0, before - 1), TimeSpan.FromSeconds(15), Cancellation);
        var future = await SegmentChecks.StatusWithinAsync(origin.Delivery, encoder.SegmentPath(0, before + 20), TimeSpan.FromSeconds(15), Cancellation);
        var uploadTook = Stopwatch.StartNew();
        using var upload = await origin.Ingest.PutAsync(new Uri($"/{encoder.Channel}/probe.m4s", UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation)
            .WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        var uploadRefused = uploadTook.Elapsed;
        var ingestHealth = await SegmentChecks.StatusWithinAsync(origin.Ingest, "/health", TimeSpan.FromSeconds(15), Cancellation);
        var deliveryHealth = await SegmentChecks.StatusWithinAsync(origin.Delivery, "/health", TimeSpan.FromSeconds(15), Cancellation);

        Assert.Equal(503, complete.Status);
        Assert.Equal("1", complete.RetryAfter);
        Assert.Equal(503, future.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, upload.StatusCode);
        Assert.NotNull(upload.Headers.RetryAfter);
        Assert.Equal(503, ingestHealth.Status);
        Assert.Equal(503, deliveryHealth.Status);
        Assert.False(encoder.Process.HasExited, $"the encoder gave up.\n{encoder.Process.Describe()}");

        // 3. Redis comes back (same port, same data); nothing is restarted on the origin's side.
        // Down for a few segments' worth, as a real restart takes.
        await Task.Delay(TimeSpan.FromSeconds(5), Cancellation);
        var outage = down.Elapsed;
        await redis.RestartAsync();
        var up = Stopwatch.StartNew();
        await WaitForHealthyAsync(origin.Ingest);
        await WaitForHealthyAsync(origin.Delivery);
        var healthyAfter = up.Elapsed;

        // The upload cut by the kill is marked aborted as soon as Redis is back (Ingest kept the marker it could not
        // write), not left "uploading" until its keys expire; a Redis that came back empty has nothing to mark.
        var marked = Stopwatch.StartNew();
        while (await origin.CurrentMetaAsync(followed) is { State: ObjectState.Uploading } stuck)
        {
            Assert.True(marked.Elapsed < TimeSpan.FromSeconds(3), $"{followed} is still marked uploading ({stuck.Size} bytes) after Redis came back");
            await Task.Delay(50, Cancellation);
        }

        // The next segments flow again: one begun after the restart completes and is served whole.
        var after = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, before + 1, TimeSpan.FromSeconds(30), Cancellation);
        var flowingAfter = up.Elapsed;
        await origin.WaitForCurrentAsync(encoder.SegmentPath(0, after), meta => meta is { State: ObjectState.Complete }, Cancellation);
        Assert.Equal(200, await SegmentChecks.GetWholeOrNothingAsync(origin, encoder.SegmentPath(0, after), Cancellation));

        // The early-request path works again: a segment asked for before it starts is held, then streamed whole.
        var early = encoder.SegmentPath(0, after + 2);
        Assert.Null(await origin.CurrentMetaAsync(early));
        await using var waiting = await StreamingViewer.OpenAsync(origin.Delivery, early, Cancellation);
        Assert.Equal(HttpStatusCode.OK, waiting.Response.StatusCode);
        Assert.True(await waiting.WaitForEndAsync(Cancellation, TimeSpan.FromSeconds(20)), "the early request after the restart failed");
        Mp4Boxes.TopLevel(waiting.Received);

        // Nothing is ever served as complete when truncated: every segment still stored, of every stream.
        var statuses = new List<string>();
        foreach (var path in await SegmentChecks.StoredSegmentsAsync(origin, encoder.Channel))
        {
            var status = await SegmentChecks.GetWholeOrNothingAsync(origin, path, Cancellation);
            statuses.Add(string.Create(CultureInfo.InvariantCulture, $"{path[(path.LastIndexOf('/') + 1)..]}:{status}"));
        }

        Assert.True(statuses.Count(status => status.EndsWith(":200", StringComparison.Ordinal)) >= 3, string.Join(' ', statuses));

        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"viewer reset {viewerCut.TotalSeconds:0.0} s after the kill; 503s took {complete.Took.TotalMilliseconds:0}/{future.Took.TotalMilliseconds:0} ms (GET), " +
            $"{uploadRefused.TotalMilliseconds:0} ms (PUT), /health {ingestHealth.Took.TotalMilliseconds:0}/{deliveryHealth.Took.TotalMilliseconds:0} ms; outage {outage.TotalSeconds:0.0} s; healthy {healthyAfter.TotalSeconds:0.0} s after the restart; " +
            $"segment {after} (killed during {before}) uploading {flowingAfter.TotalSeconds:0.0} s after the restart; GET of each stored segment: {string.Join(' ', statuses)}"));
    }

    private static async Task WaitForHealthyAsync(HttpClient client)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
