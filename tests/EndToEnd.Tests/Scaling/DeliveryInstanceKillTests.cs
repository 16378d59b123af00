using System.Diagnostics;
using System.Globalization;
using System.Net;
using CmafOrigin.EndToEnd.Tests.Faults;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Scaling;

/// <summary>
/// Three Delivery instances, each its own process, behind Debian's nginx configured as docs/nginx/delivery.conf says;
/// ffmpeg pushing 2 s segments of 0.5 s chunks; players following the segments live through nginx. One instance is
/// killed with SIGKILL mid-segment.
/// </summary>
public sealed class DeliveryInstanceKillTests(RedisServer redis)
{
    private const int Players = 6;
    private static readonly TimeSpan SegmentDuration = TimeSpan.FromSeconds(2);

    /// <summary>How much later than its schedule a segment may complete on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task DeliveryInstanceKilled_ItsViewersRetryThroughNginx_AndContinueWithinASegment_OthersSeeNothing()
    {
        await using var origin = await OriginHost.StartAsync(redis);
        var none = new Dictionary<string, string>();
        var deliveries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            ServiceProcess.StartAsync(typeof(Delivery.Program).Assembly, redis, origin.KeyPrefix, none)));
        await using var first = deliveries[0];
        await using var killed = deliveries[1];
        await using var third = deliveries[2];
        await using var nginx = await NginxProxy.StartAsync(deliveries.Select(delivery => delivery.Address), Cancellation);
        var settings = FfmpegEncoderSettings.Default with { Video = [new(256, 144, 150)], Duration = TimeSpan.FromSeconds(90) };
        await using var encoder = FfmpegEncoder.Start(origin.IngestUri, TestPaths.Channel(), new Uri(first.Address, "/time"), settings);
        var clock = Stopwatch.StartNew();

        // Players through nginx, each with connections of its own, from the segment uploading now.
        var start = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, 1, TimeSpan.FromSeconds(30), Cancellation);
        var clients = Enumerable.Range(0, Players).Select(_ => new HttpClient { BaseAddress = nginx.Uri, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        var players = clients.Select(client => LiveSegmentPlayer.Start(client, number => encoder.SegmentPath(0, number), start, clock)).ToList();
        try
        {
            // Two segments played by everyone, then the kill halfway through the next one: every instance is serving some
            // players' requests for it (nginx hands requests out in turn).
            foreach (var player in players)
            {
                await player.WaitForAsync(fetch => fetch.IsComplete && fetch.Number == start + 1, TimeSpan.FromSeconds(20), Cancellation);
            }

            var during = await SegmentChecks.SegmentUploadingAsync(origin, encoder, 0, start + 2, TimeSpan.FromSeconds(10), Cancellation);
            await Task.Delay(SegmentDuration / 2, Cancellation);
            var killedAt = clock.Elapsed;
            await killed.KillAsync();

            // Everyone plays on for three more segments.
            foreach (var player in players)
            {
                await player.WaitForAsync(fetch => fetch.IsComplete && fetch.Number == during + 3, TimeSpan.FromSeconds(20), Cancellation);
            }

            var cut = 0;
            for (var i = 0; i < players.Count; i++)
            {
                var fetches = players[i].Fetches.Where(fetch => fetch.Number <= during + 3).ToList();
                var failed = fetches.Where(fetch => !fetch.IsComplete).ToList();
                var completed = fetches.Where(fetch => fetch.IsComplete).ToList();
                var gaps = completed.Zip(completed.Skip(1), (previous, next) => (next.Number, Gap: next.Ended - previous.Ended)).ToList();
                var worst = gaps.MaxBy(gap => gap.Gap);
                var retry = failed.Count == 0 ? null : fetches.FirstOrDefault(fetch => fetch.Asked > failed[0].Ended);
                Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"player {i}: {(failed.Count == 0 ? "not cut" : $"cut, its response failed {(failed[0].Ended - killedAt).TotalMilliseconds:0} ms after the kill, the retry's first byte {(retry?.FirstByte - failed[0].Ended)?.TotalMilliseconds:0} ms later")}; " +
                    $"longest gap between two segments {worst.Gap.TotalMilliseconds:0} ms (before #{worst.Number})"));

                // A viewer on the killed instance: that one response fails (it never passes as whole), once, at the kill.
                Assert.True(failed.Count <= 1, $"player {i} failed more than once:\n{players[i].Describe()}");
                if (failed.Count == 1)
                {
                    cut++;
                    Assert.Equal(during, failed[0].Number);
                    Assert.InRange(failed[0].Ended, killedAt, killedAt + TimeSpan.FromSeconds(1));
                }

                // Every viewer: every segment in turn, none later than a segment (plus slack) after the one before.
                Assert.Equal(Enumerable.Range(0, completed.Count).Select(n => start + n), completed.Select(fetch => fetch.Number));
                Assert.True(worst.Gap <= SegmentDuration + Slack, $"player {i} stalled before #{worst.Number}: {worst.Gap.TotalSeconds:0.00} s\n{players[i].Describe()}");
            }

            Output?.WriteLine($"killed at {killedAt.TotalSeconds:0.000} s, in segment {during}; {cut} of {Players} players were cut\nnginx's error log:\n{nginx.ErrorLog}");
            Assert.True(cut > 0, "the kill cut no player's response: nothing was tested");

            // What each player took as whole is the segment stored, byte for byte (the players agree, and the ones the
            // encoder still keeps match Redis).
            for (var number = during - 1; number <= during + 3; number++)
            {
                var bodies = players.Select(player => player.Completed.Single(fetch => fetch.Number == number).Body).ToList();
                using var stored = await origin.Delivery.GetAsync(new Uri(encoder.SegmentPath(0, number), UriKind.Relative), Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
                Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
                var whole = await stored.Content.ReadAsByteArrayAsync(Cancellation);
                Assert.All(bodies, body => Assert.Equal(whole, body));
            }
        }
        finally
        {
            foreach (var player in players)
            {
                await player.DisposeAsync();
            }

            clients.ForEach(client => client.Dispose());
        }
    }
}
