using System.Text.Json;
using CmafOrigin.Delivery.Status;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.Delivery.Tests.Status;

/// <summary>/status and /status/events with a live upload and a viewer on real Kestrel and Redis.</summary>
public sealed class StatusApiTests(RedisServer redis)
{
    private static readonly Dictionary<string, string?> FastTicks = new()
    {
        ["Delivery:StatusInterval"] = "00:00:00.250",
        ["Delivery:ReportInterval"] = "00:00:00.250",
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_StreamSnapshotsOfALiveChannel_WithTracksViewersAndLatency()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>(FastTicks) { ["Delivery:InstanceId"] = "status-edge" });
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", [1, 2, 3]);
        await PutAsync(origin, $"/{channel}/out.mpd", LiveManifest.Bytes);
        var segment = $"/{channel}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, segment);
        await upload.SendAsync(TestPaths.Payload(2000, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, segment, Cancellation);
        await using var events = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);
        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", events.Response.Headers.CacheControl?.ToString());

        // Keep chunks flowing while the snapshots come, as an encoder would.
        JsonElement found = default;
        for (var piece = 2; piece < 200 && found.ValueKind == JsonValueKind.Undefined; piece++)
        {
            await upload.SendAsync(TestPaths.Payload(2000, piece), Cancellation);
            await viewer.WaitForBytesAsync(2000 * piece, Cancellation);
            var (name, data) = await events.NextAsync(Cancellation);
            Assert.Equal("snapshot", name);
            var snapshot = JsonDocument.Parse(data).RootElement;
            Assert.True(snapshot.GetProperty("at").GetInt64() > 0);
            foreach (var candidate in snapshot.GetProperty("channels").EnumerateArray())
            {
                if (candidate.GetProperty("name").GetString() == channel
                    && candidate.GetProperty("viewers").GetInt32() >= 1
                    && candidate.GetProperty("passThroughP50Ms").GetDouble() > 0
                    && candidate.GetProperty("history").GetProperty("at").GetArrayLength() >= 2)
                {
                    Assert.Equal(1, snapshot.GetProperty("instances").GetInt32());
                    var instance = Assert.Single(snapshot.GetProperty("deliveryInstances").EnumerateArray());
                    Assert.Equal("status-edge", instance.GetProperty("id").GetString());
                    Assert.True(instance.GetProperty("viewers").GetInt32() >= 1);
                    var served = Assert.Single(instance.GetProperty("channels").EnumerateArray());
                    Assert.Equal((channel, 1), (served.GetProperty("name").GetString(), served.GetProperty("viewers").GetInt32()));
                    var servedBy = Assert.Single(candidate.GetProperty("servedBy").EnumerateArray());
                    Assert.Equal(("status-edge", 1), (servedBy.GetProperty("id").GetString(), servedBy.GetProperty("viewers").GetInt32()));
                    found = candidate.Clone();
                }
            }
        }

        Assert.NotEqual(JsonValueKind.Undefined, found.ValueKind);
        Assert.Equal("live", found.GetProperty("state").GetString());
        Assert.Equal($"{channel}/out.mpd", found.GetProperty("manifest").GetString());
        Assert.Equal(1, found.GetProperty("latestSegment").GetInt64());
        Assert.Equal(["0", "1"], found.GetProperty("tracks").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var video = found.GetProperty("tracks")[0];
        Assert.Equal(("video", "avc1.64001e", 640, 360), (video.GetProperty("contentType").GetString(), video.GetProperty("codecs").GetString(), video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
        Assert.InRange(found.GetProperty("passThroughP99Ms").GetDouble(), found.GetProperty("passThroughP50Ms").GetDouble(), 5000);
        var history = found.GetProperty("history");
        var times = history.GetProperty("at").EnumerateArray().Select(t => t.GetInt64()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, history.GetProperty("p50").GetArrayLength());
        Assert.Equal(times.Count, history.GetProperty("viewers").GetArrayLength());

        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
    }

    [Fact]
    public async Task Events_WithTwoInstances_SayWhichServesTheChannel_WithTheirBitrateOutAndRedisReadRate()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>(FastTicks) { ["Delivery:InstanceId"] = "edge-a" });
        await using var second = await origin.StartDeliveryAsync(new Dictionary<string, string?>(FastTicks) { ["Delivery:InstanceId"] = "edge-b" });
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/out.mpd", LiveManifest.Bytes);
        var segment = $"/{channel}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, segment);
        await upload.SendAsync(TestPaths.Payload(2000, 1), Cancellation);
        await using var onA = await StreamingViewer.OpenAsync(origin.Delivery, segment, Cancellation);
        await using var onB1 = await StreamingViewer.OpenAsync(second.Client, segment, Cancellation);
        await using var onB2 = await StreamingViewer.OpenAsync(second.Client, segment, Cancellation);
        // Either instance's page shows the whole origin.
        await using var events = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);

        // Chunks keep flowing (each one an XREAD on both instances) until a snapshot shows both instances serving it.
        JsonElement found = default;
        for (var piece = 2; piece < 200 && found.ValueKind == JsonValueKind.Undefined; piece++)
        {
            await upload.SendAsync(TestPaths.Payload(2000, piece), Cancellation);
            foreach (var viewer in new[] { onA, onB1, onB2 })
            {
                await viewer.WaitForBytesAsync(2000 * piece, Cancellation);
            }

            var snapshot = JsonDocument.Parse((await events.NextAsync(Cancellation)).Data).RootElement;
            var instances = snapshot.GetProperty("deliveryInstances").EnumerateArray().ToList();
            if (instances.Count == 2
                && instances.All(i => i.GetProperty("redisReadsPerSecond").GetDouble() > 0 && i.GetProperty("deliveredBitrate").GetInt64() > 0)
                && snapshot.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == channel)
                    .GetProperty("servedBy").GetArrayLength() == 2)
            {
                found = snapshot.Clone();
            }
        }

        Assert.NotEqual(JsonValueKind.Undefined, found.ValueKind);
        var listed = found.GetProperty("deliveryInstances").EnumerateArray().ToList();
        Assert.Equal(["edge-a", "edge-b"], listed.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(
            [(channel, 1), (channel, 2)],
            listed.Select(i => Assert.Single(i.GetProperty("channels").EnumerateArray())).Select(c => (c.GetProperty("name").GetString(), c.GetProperty("viewers").GetInt32())));
        var servedBy = found.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == channel).GetProperty("servedBy");
        Assert.Equal([("edge-a", 1), ("edge-b", 2)], servedBy.EnumerateArray().Select(i => (i.GetProperty("id").GetString(), i.GetProperty("viewers").GetInt32())));

        (await upload.CompleteAsync(Cancellation)).Dispose();
        foreach (var viewer in new[] { onA, onB1, onB2 })
        {
            Assert.True(await viewer.WaitForEndAsync(Cancellation));
        }
    }

    [Fact]
    public async Task Events_NameTheRootChannel_Slash_WithItsViewers()
    {
        // The seed's own command pushes to http://host:5000/out.mpd: the channel at the root.
        await using var origin = await OriginHost.StartAsync(redis, FastTicks);
        await PutAsync(origin, "/out.mpd", LiveManifest.Bytes);
        await using var upload = PacedUpload.Start(origin.Ingest, "/chunk-stream0-00001.m4s");
        await upload.SendAsync(TestPaths.Payload(2000, 1), Cancellation);
        await using var viewer = await StreamingViewer.OpenAsync(origin.Delivery, "/chunk-stream0-00001.m4s", Cancellation);
        await using var events = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);

        JsonElement root = default;
        for (var piece = 2; piece < 200 && root.ValueKind == JsonValueKind.Undefined; piece++)
        {
            await upload.SendAsync(TestPaths.Payload(2000, piece), Cancellation);
            var channels = JsonDocument.Parse((await events.NextAsync(Cancellation)).Data).RootElement.GetProperty("channels");
            var only = Assert.Single(channels.EnumerateArray());
            if (only.GetProperty("viewers").GetInt32() >= 1)
            {
                root = only.Clone();
            }
        }

        Assert.Equal("/", root.GetProperty("name").GetString());
        Assert.Equal("out.mpd", root.GetProperty("manifest").GetString());
        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await viewer.WaitForEndAsync(Cancellation));
    }

    [Fact]
    public async Task Events_TwoPages_ReceiveTheSameSnapshotBytes()
    {
        await using var origin = await OriginHost.StartAsync(redis, FastTicks);
        await using var first = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);
        await using var second = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);

        var fromFirst = new List<string>();
        var fromSecond = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            fromFirst.Add((await first.NextAsync(Cancellation)).Data);
            fromSecond.Add((await second.NextAsync(Cancellation)).Data);
        }

        // Built once per tick: the snapshots both pages saw are the very same text, not two builds.
        var shared = fromFirst.Intersect(fromSecond).ToList();
        Assert.True(shared.Count >= 2, $"shared {shared.Count} of {fromFirst.Count}");
        Assert.Equal(fromFirst.Count, fromFirst.Select(At).Distinct().Count());
        using var meters = new HostMeters(origin.DeliveryServices);
        Assert.Equal(2, meters.Observe("cmaforigin.delivery.status.pages"));
    }

    [Fact]
    public async Task Feed_BuildsNothingWhileNoPageIsOpen_AndAtOnceForTheFirstPage()
    {
        await using var origin = await OriginHost.StartAsync(redis, FastTicks);
        var feed = origin.DeliveryServices.GetRequiredService<StatusFeed>();

        // Four ticks' worth of time with nobody watching: no snapshot is built.
        await Assert.ThrowsAsync<TimeoutException>(() => feed.NextAsync(0, Cancellation).WaitAsync(TimeSpan.FromSeconds(1), Cancellation));

        var opened = DateTimeOffset.UtcNow;
        var events = await ServerSentEvents.OpenAsync(origin.Delivery, "/status/events", Cancellation);
        var (_, data) = await events.NextAsync(Cancellation);
        Assert.True(At(data) >= opened.ToUnixTimeMilliseconds() - 5, "the first snapshot is built for the page that opened");
        Assert.Equal(1, feed.Watchers);

        // The page goes away: it is counted out (and the ticks stop with the last one).
        await events.DisposeAsync();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (feed.Watchers != 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task Page_IsServedWithItsOwnFiles_AndNothingFromElsewhere()
    {
        await using var origin = await OriginHost.StartAsync(redis);

        using var page = await origin.Delivery.GetAsync(new Uri("/status", UriKind.Relative), Cancellation);
        var html = await page.Content.ReadAsStringAsync(Cancellation);
        using var script = await origin.Delivery.GetAsync(new Uri("/status/status.js", UriKind.Relative), Cancellation);
        using var style = await origin.Delivery.GetAsync(new Uri("/status/status.css", UriKind.Relative), Cancellation);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("src=\"/status/status.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("EventSource('/status/events')", await script.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
    }

    private static long At(string snapshot) => JsonDocument.Parse(snapshot).RootElement.GetProperty("at").GetInt64();

    private static async Task PutAsync(OriginHost origin, string path, byte[] body)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);
        response.EnsureSuccessStatusCode();
    }
}
