using System.Net;
using System.Text.Json;
using CmafOrigin.TestSupport;

namespace CmafOrigin.AppHost.Tests;

/// <summary>The origin as the AppHost runs it on Aspire: Redis, Ingest and three Delivery replicas, pushed by real ffmpeg.</summary>
public sealed class OriginOnAspireTests(OriginOnAspireFixture fixture) : IClassFixture<OriginOnAspireFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public void Resources_AreHealthy_WithOneSnapshotPerDeliveryReplica()
    {
        foreach (var instance in fixture.Instances("delivery"))
        {
            Output?.WriteLine($"{instance.State?.Text} {instance.HealthStatus} urls: {string.Join(", ", instance.Urls.Select(u => $"{u.Name}={u.Url} internal={u.IsInternal}"))}");
            Output?.WriteLine(string.Join(", ", instance.Properties.Select(p => $"{p.Name}={p.Value}")));
        }

        Assert.Equal(OriginOnAspireFixture.DeliveryReplicas, fixture.Instances("delivery").Count);
        Assert.All(fixture.Instances("delivery"), instance => Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, instance.HealthStatus));
        Assert.All(["redis", "ingest"], name => Assert.Equal(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, Assert.Single(fixture.Instances(name)).HealthStatus));
    }

    [Fact]
    public async Task ArchiveWriter_RecordsTheLiveChannel_InTheDirectoryTheAppHostGaveIt_AndDeliveryListsTheRun()
    {
        // The wiring is the point: the writer's Redis reference, Ingest holding what ffmpeg deletes, and one directory
        // shared by the writer and every Delivery replica.
        var listing = $"/{fixture.Encoder.Channel}/archive/";
        JsonElement run = default;
        await Eventually.HoldsAsync(async ct =>
        {
            using var runs = JsonDocument.Parse(await fixture.Delivery.GetStringAsync(new Uri(listing, UriKind.Relative), ct));
            if (runs.RootElement.GetArrayLength() != 1 || runs.RootElement[0].GetProperty("tracks").GetArrayLength() < 3)
            {
                return false;
            }

            run = runs.RootElement[0].Clone();
            return true;
        }, $"a live run with three tracks listed at {listing}");

        Assert.Equal(JsonValueKind.Null, run.GetProperty("endedAt").ValueKind);
        Assert.True(Directory.Exists(Path.Combine(fixture.ArchiveDirectory, fixture.Encoder.Channel, "@archive", run.GetProperty("id").GetString()!)));
        Assert.Equal(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            Assert.Single(fixture.Instances("archive")).HealthStatus);
    }

    [Fact]
    public async Task Get_SegmentBeingEncoded_IsStreamedChunkByChunkThroughTheAppHostsPorts()
    {
        // Ask for each segment of the first video stream in turn, as soon as the one before ended: the next one is
        // then either not started (Delivery holds the request until it starts) or in progress, and comes chunked.
        var encoder = fixture.Encoder;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        // From the live edge: ffmpeg's window deletes old segments, so a class that runs late finds segment 1 long gone.
        var latest = await fixture.LatestCompleteSegmentAsync(atLeast: 1, deadline.Token);
        for (var number = latest + 1; ; number++)
        {
            await using var viewer = await OpenWhenThereAsync(encoder.SegmentPath(0, number), deadline.Token);
            Assert.True(await viewer.WaitForEndAsync(deadline.Token, TimeSpan.FromSeconds(15)), "the segment's response failed");
            var log = viewer.ReadLog;
            var spread = log[^1].SinceRequest - log[0].SinceRequest;
            Output?.WriteLine($"segment {number}: {viewer.Received.Length} bytes in {log.Count} reads over {spread.TotalMilliseconds:0} ms, chunked {viewer.Response.Headers.TransferEncodingChunked}");
            if (viewer.Response.Headers.TransferEncodingChunked == true && log.Count >= 3 && spread > TimeSpan.FromSeconds(1))
            {
                // The same segment, now complete, is served whole: the streamed bytes were exactly these.
                using var whole = await fixture.Delivery.GetAsync(new Uri(encoder.SegmentPath(0, number), UriKind.Relative), deadline.Token);
                Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
                var bytes = await whole.Content.ReadAsByteArrayAsync(deadline.Token);
                Assert.Equal(bytes.Length, whole.Content.Headers.ContentLength);
                Assert.Equal(bytes, viewer.Received);
                return;
            }
        }
    }

    [Fact]
    public async Task FfmpegAsPlayer_DecodesFourSecondsOfTheChannel()
    {
        var manifest = new Uri(fixture.DeliveryUrl, fixture.Encoder.ManifestPath);
        await Eventually.HoldsAsync(async ct => (await fixture.Delivery.GetAsync(manifest, ct)).StatusCode == HttpStatusCode.OK, "the manifest");
        // Three segments complete: enough for a player that starts a few segments behind the live edge.
        await fixture.LatestCompleteSegmentAsync(atLeast: 3, Cancellation).WaitAsync(TimeSpan.FromSeconds(45), Cancellation);

        await using var player = FfmpegProcess.Start(["-hide_banner", "-nostdin", "-i", manifest.AbsoluteUri, "-t", "4", "-f", "null", "-"]);
        var exit = await player.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation);

        Assert.True(exit == 0, player.Describe());
        var last = player.ErrorLines.LastOrDefault(line => line.Contains("time=", StringComparison.Ordinal)) ?? string.Empty;
        Assert.Contains("time=00:00:04", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveryReplicas_EachReportsOnStatus_AndEachServesAPlayerTheSameBytes()
    {
        var before = await DeliveredBytesByInstanceAsync(OriginOnAspireFixture.DeliveryReplicas, Cancellation);
        var number = await fixture.LatestCompleteSegmentAsync(atLeast: 2, Cancellation).WaitAsync(TimeSpan.FromSeconds(45), Cancellation);
        var segment = new Uri(fixture.Encoder.SegmentPath(0, number), UriKind.Relative);

        // A player whose requests land on any replica: a new connection per request, spread by Aspire's proxy. All at
        // once, so that they are over long before ffmpeg's window deletes the segment (12 s after it ended).
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = fixture.DeliveryUrl };
            return await client.GetByteArrayAsync(segment, Cancellation).WaitAsync(TimeSpan.FromSeconds(15), Cancellation);
        }));
        var reference = answers[0];
        Assert.All(answers, bytes => Assert.Equal(reference, bytes));

        // Every replica served some of those requests: each one's own report on /status counts them.
        await Eventually.HoldsAsync(
            async ct =>
            {
                var after = await DeliveredBytesByInstanceAsync(OriginOnAspireFixture.DeliveryReplicas, ct);
                Output?.WriteLine(string.Join(", ", after.Select(pair => $"{pair.Key}: +{pair.Value - before.GetValueOrDefault(pair.Key)}")));
                return after.All(pair => pair.Value - before.GetValueOrDefault(pair.Key) >= reference.Length);
            },
            "a report from each replica counting the bytes it served");
    }

    /// <summary>Each reporting Delivery instance's bytes delivered, from the first snapshot of /status/events that lists <paramref name="instances"/>.</summary>
    private async Task<Dictionary<string, long>> DeliveredBytesByInstanceAsync(int instances, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await fixture.Delivery.GetAsync(new Uri("/status/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var snapshot = JsonDocument.Parse(line["data: ".Length..]);
                var reports = snapshot.RootElement.GetProperty("deliveryInstances").EnumerateArray()
                    .ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("deliveredBytes").GetInt64(), StringComparer.Ordinal);
                if (reports.Count == instances)
                {
                    return reports;
                }
            }
        }

        Assert.Fail($"/status/events ended before listing {instances} Delivery instances");
        return [];
    }

    private async Task<StreamingViewer> OpenWhenThereAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            var viewer = await StreamingViewer.OpenAsync(fixture.Delivery, path, cancellationToken);
            if (viewer.Response.StatusCode == HttpStatusCode.OK)
            {
                return viewer;
            }

            await viewer.DisposeAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
