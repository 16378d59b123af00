using System.Net;
using System.Security.Cryptography;

namespace CmafOrigin.AppHost.Tests;

/// <summary>What AppHost starts works end to end: an upload to ingest is served by delivery.</summary>
public sealed class DeliveryRoundTripTests
{
    [Fact]
    public async Task Segment_PutToIngestWithThePrintedCredential_IsServedByDeliveryWithTheSameBytes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start();
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);
        var segment = RandomNumberGenerator.GetBytes(48 * 1024);
        const string path = "/live/round-trip/chunk-stream0-00001.m4s";

        using var anonymous = await TestHttp.Client.PutAsync(new Uri(host.IngestUrl, path), new ByteArrayContent(segment), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // With the credential the banner printed.
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(host.IngestUrl, path)) { Content = new ByteArrayContent(segment) };
        request.Headers.Authorization = host.PrintedIngestCredential();
        using var put = await TestHttp.Client.SendAsync(request, ct);
        Assert.True(put.IsSuccessStatusCode, $"PUT answered {(int)put.StatusCode}");

        using var get = await TestHttp.Client.GetAsync(new Uri(host.DeliveryUrl, path), ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(segment, await get.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task Demo_Option_PushesTwoVideoRenditionsAndAudioThatDeliveryServes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AppHostProcess.Start(["--demo"]);
        await host.WaitForOutputAsync(Banner.ReadyLine, AppHostProcess.StartTimeout, ct);
        var ffmpeg = Assert.NotNull(host.Child("ffmpeg"));

        var manifest = new Uri(host.DeliveryUrl, "/live/demo/out.mpd");
        var status = await TestHttp.PollAsync(manifest, HttpStatusCode.OK, TimeSpan.FromSeconds(30), ct);
        Assert.True(status == HttpStatusCode.OK, $"the manifest answered {status}:{Environment.NewLine}{host.Output}");
        var mpd = await TestHttp.Client.GetStringAsync(manifest, ct);
        Assert.Contains("width=\"640\" height=\"360\"", mpd, StringComparison.Ordinal);
        Assert.Contains("width=\"384\" height=\"216\"", mpd, StringComparison.Ordinal);
        Assert.Contains("contentType=\"audio\"", mpd, StringComparison.Ordinal);
        Assert.Contains("availabilityTimeComplete=\"false\"", mpd, StringComparison.Ordinal);

        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.False(ffmpeg.IsRunning, "ffmpeg outlived AppHost");
    }
}
