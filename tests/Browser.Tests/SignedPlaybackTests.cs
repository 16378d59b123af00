using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Playback;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// dash.js in Chromium given a signed manifest URL plays the channel: every segment request carries the token
/// (relative URLs resolved under <c>/~t/&lt;token&gt;/</c>), and the origin refuses none of them.
/// </summary>
[Collection(nameof(OnePlaybackAtATime))]
public sealed class SignedPlaybackTests(SignedChannelFixture channel, Chromium chromium) : IClassFixture<SignedChannelFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Playing = TimeSpan.FromSeconds(12);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task PlayerGivenManifestWithQueryToken_PlaysWithoutA403()
    {
        var token = new PlaybackSigner(SignedChannelFixture.Key).Sign(PathPrefix.Parse(channel.Encoder.Channel), DateTimeOffset.UtcNow.AddHours(1));
        var manifest = new Uri(channel.Origin.DeliveryUri, $"{channel.Encoder.ManifestPath}?token={token}");
        var page = new Uri(channel.Origin.DeliveryUri, "/player?src=" + Uri.EscapeDataString(manifest.AbsoluteUri));

        await using var playback = await PlaybackPage.OpenAsync(chromium, page);
        await playback.WaitForPlaybackAsync(StartTimeout, Cancellation);
        var report = await playback.RecordAsync(Playing, Cancellation);
        Output?.WriteLine(report.Summary(TimeSpan.Zero));

        var origin = channel.Origin.DeliveryUri.GetLeftPart(UriPartial.Authority);
        var fromOrigin = playback.Responses.Where(response => response.Url.GetLeftPart(UriPartial.Authority) == origin).ToList();
        var refused = fromOrigin.Where(response => response.Status == 403).Select(response => response.Url.PathAndQuery).ToList();
        Assert.True(refused.Count == 0, $"refused with 403:\n{string.Join('\n', refused)}");
        Assert.Empty(report.MediaFailures);
        Assert.Empty(report.PlayerErrors);
        Assert.True(report.Advance >= 8, $"the video advanced only {report.Advance:0.00} s.\n{report.Timeline()}");
        // The manifest was redirected to the path form, and the segments were fetched under it.
        Assert.Contains(fromOrigin, response => response.Status == 307 && response.Url.AbsolutePath == channel.Encoder.ManifestPath);
        var segments = fromOrigin.Where(response => response.Url.AbsolutePath.EndsWith(".m4s", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(segments);
        Assert.All(segments, response => Assert.StartsWith($"/~t/{token}/", response.Url.AbsolutePath, StringComparison.Ordinal));
    }
}
