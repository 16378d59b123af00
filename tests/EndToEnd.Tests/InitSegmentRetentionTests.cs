using System.Globalization;
using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>
/// ffmpeg uploads each init segment once, at start: a player joining a stream that has run longer than the
/// retention still needs it.
/// </summary>
public sealed class InitSegmentRetentionTests(RedisServer redis)
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(5);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task InitSegment_UploadedOnceByFfmpeg_IsStillServedAfterThreeRetentionPeriods()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Ingest:CompletedRetention"] = "00:00:05",
        });
        var channel = TestPaths.Channel();
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"),
            FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(40) });

        var init = encoder.InitPath(0);
        while (await origin.CurrentMetaAsync(init) is not { State: ObjectState.Complete })
        {
            Assert.False(encoder.Process.HasExited, $"the encoder exited early.\n{encoder.Process.Describe()}");
            await Task.Delay(50, timeout.Token);
        }

        var (status, first) = await GetAsync(origin, init, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        var uploadedAt = DateTimeOffset.UtcNow;

        await Task.Delay(3 * Retention, timeout.Token);

        Assert.False(encoder.Process.HasExited, $"the encoder stopped publishing before the end of the test.\n{encoder.Process.Describe()}");
        var (laterStatus, later) = await GetAsync(origin, init, timeout.Token);
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{init}: {first.Length} bytes, {laterStatus} {(DateTimeOffset.UtcNow - uploadedAt).TotalSeconds:0.0} s later"));
        Assert.Equal(HttpStatusCode.OK, laterStatus);
        Assert.Equal(first, later);
        // The first media segment was not kept: only init segments outlive the retention.
        Assert.Null(await origin.CurrentMetaAsync(encoder.SegmentPath(0, 1)));
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(OriginHost origin, string path, CancellationToken cancellationToken)
    {
        using var response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }
}
