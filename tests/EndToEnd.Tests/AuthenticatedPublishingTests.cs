using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>
/// Real ffmpeg (5.1) publishing to an Ingest that requires credentials: Basic from the URL (ffmpeg sends its first
/// request of each connection without them, with <c>Expect: 100-continue</c>, and retries after the 401), Bearer
/// through <c>-http_opts</c>, and a wrong password.
/// </summary>
public sealed class AuthenticatedPublishingTests(RedisServer redis)
{
    private const string User = "studio";
    private const string Password = "e2e-pw-4c9b17a3";
    private const string Token = "e2e-token-0d62f8b5c3";

    /// <summary>One small rendition for a short while: the test is about who may publish, not about load.</summary>
    private static readonly FfmpegEncoderSettings ShortStream = FfmpegEncoderSettings.Default with
    {
        Video = [new VideoRendition(426, 240, 400)],
        Duration = TimeSpan.FromSeconds(10),
    };

    private static readonly Dictionary<string, string?> Credentials = new()
    {
        ["Ingest:Auth:AllowAnonymous"] = "false",
        ["Ingest:Auth:Credentials:0:Prefix"] = "live/",
        ["Ingest:Auth:Credentials:0:Username"] = User,
        ["Ingest:Auth:Credentials:0:Password"] = Password,
        ["Ingest:Auth:Credentials:1:Prefix"] = "live/",
        ["Ingest:Auth:Credentials:1:Token"] = Token,
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ffmpeg_WithBasicCredentialsInTheUrl_PublishesAndDeliveryServesTheStream()
    {
        await using var origin = await OriginHost.StartAsync(redis, Credentials);
        var ingest = new UriBuilder(origin.IngestUri) { UserName = User, Password = Password }.Uri;

        await using var encoder = FfmpegEncoder.Start(ingest, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"), ShortStream);

        await WaitForFirstSegmentAsync(origin, encoder);
        using var manifest = await origin.Delivery.GetAsync(new Uri(encoder.ManifestPath, UriKind.Relative), Cancellation);
        using var segment = await origin.Delivery.GetAsync(new Uri(encoder.SegmentPath(0, 1), UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.True((await segment.Content.ReadAsByteArrayAsync(Cancellation)).Length > 1000);
    }

    [Fact]
    public async Task Ffmpeg_WithBearerTokenInHttpOpts_Publishes()
    {
        await using var origin = await OriginHost.StartAsync(redis, Credentials);

        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, TestPaths.Channel(), new Uri(origin.DeliveryUri, "/time"), ShortStream with { Authorization = $"Bearer {Token}" });

        await WaitForFirstSegmentAsync(origin, encoder);
    }

    [Fact]
    public async Task Ffmpeg_WithAWrongPassword_Gets403AndNothingIsStored()
    {
        await using var origin = await OriginHost.StartAsync(redis, Credentials);
        var ingest = new UriBuilder(origin.IngestUri) { UserName = User, Password = Password + "-wrong" }.Uri;
        var channel = TestPaths.Channel();

        await using var encoder = FfmpegEncoder.Start(ingest, channel, new Uri(origin.DeliveryUri, "/time"), ShortStream with { Duration = TimeSpan.FromSeconds(6) });

        // ffmpeg keeps encoding (and failing to upload) until its sources end.
        await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(40), Cancellation);
        var log = encoder.Process.Describe();
        Assert.Contains("403", log, StringComparison.Ordinal);
        Assert.Empty(await origin.StoredKeysAsync(channel));
    }

    private static async Task WaitForFirstSegmentAsync(OriginHost origin, FfmpegEncoder encoder)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (!(await origin.CurrentMetaAsync(encoder.ManifestPath) is { State: ObjectState.Complete }
                && await origin.CurrentMetaAsync(encoder.SegmentPath(0, 1)) is { State: ObjectState.Complete }))
            {
                Assert.False(encoder.Process.HasExited, $"the encoder exited before publishing.\n{encoder.Process.Describe()}");
                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            Assert.Fail($"the encoder did not publish a first segment within 30 s.\n{encoder.Process.Describe()}");
        }
    }
}
