using System.Net;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Viewers;

/// <summary>The limit on viewers per Delivery process, against real Kestrel and Redis.</summary>
public sealed class ViewerSlotsTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_OverMaxViewers_Is503WithRetryAfter_UntilAViewerLeaves()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Delivery:MaxViewers"] = "2" });
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        await upload.SendAsync(TestPaths.Payload(1000, 1), Cancellation);
        await using var first = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);
        await using var second = await StreamingViewer.OpenAsync(origin.Delivery, path, Cancellation);

        using var refused = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        // The viewers already in are not disturbed.
        await upload.SendAsync(TestPaths.Payload(1000, 2), Cancellation);
        (await upload.CompleteAsync(Cancellation)).Dispose();
        Assert.True(await first.WaitForEndAsync(Cancellation));
        Assert.True(await second.WaitForEndAsync(Cancellation));
        Assert.Equal(2000, first.Received.Length);

        // Their slots come back as their responses end.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        HttpStatusCode status;
        do
        {
            using var again = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), deadline.Token);
            status = again.StatusCode;
        }
        while (status == HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
