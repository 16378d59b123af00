using System.Net;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Delivery.Tests.Archive;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Playback;

/// <summary>Signed playback covers a channel's archive exactly as any other path of the channel.</summary>
public sealed class ArchivePlaybackTests(RedisServer redis) : IAsyncLifetime
{
    private const string RunId = "20261201T090000Z";

    private readonly ArchiveDirectory _archive = new();
    private readonly string _channel = TestPaths.Channel("ArchivePlayback");
    private readonly byte[] _track = TestPaths.Payload(5000, 4);
    private OriginHost _origin = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string ChannelToken => SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse(_channel), DateTimeOffset.UtcNow.AddHours(1));

    public async ValueTask InitializeAsync()
    {
        var directory = _archive.WriteRun(_channel, new ArchiveRun
        {
            Id = RunId,
            Channel = _channel,
            State = ArchiveRunState.Final,
            StartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
            EndedAt = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero),
            Tracks = [new ArchiveTrack { Id = "0", ContentType = "video", Timescale = 15360, Bytes = _track.Length }],
        });
        File.WriteAllBytes(Path.Combine(directory, "0.mp4"), _track);
        File.WriteAllText(Path.Combine(directory, "manifest.mpd"), "<MPD type=\"static\"/>");
        _origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Delivery:SignedPlayback:Key"] = SignedPlaybackFixture.Key,
            ["Archive:Directory"] = _archive.Root,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _origin.DisposeAsync();
        _archive.Dispose();
    }

    [Fact]
    public async Task Get_ArchivePaths_WithATokenForTheChannel_AreServed()
    {
        var token = ChannelToken;

        using var pathList = await GetAsync($"/~t/{token}/{_channel}/archive/");
        using var queryList = await GetAsync($"/{_channel}/archive/?token={token}");
        using var pathFile = await GetAsync($"/~t/{token}/{_channel}/archive/{RunId}/0.mp4");
        using var queryFile = await GetAsync($"/{_channel}/archive/{RunId}/0.mp4?token={token}");

        Assert.Equal(HttpStatusCode.OK, pathList.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queryList.StatusCode);
        // The listing names paths without a token: the viewer's own token covers them.
        Assert.Contains($"\"/{_channel}/archive/{RunId}/0.mp4\"", await pathList.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(_track, await pathFile.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(_track, await queryFile.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_ArchiveManifestWithQueryToken_RedirectsToThePathForm()
    {
        var token = ChannelToken;

        using var response = await GetAsync($"/{_channel}/archive/{RunId}/manifest.mpd?token={token}");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal($"/~t/{token}/{_channel}/archive/{RunId}/manifest.mpd", response.Headers.Location?.OriginalString);
    }

    public static TheoryData<string> ArchivePaths() => new()
    {
        "/{c}/archive/",
        "/{c}/archive",
        "/{c}/archive/" + RunId + "/0.mp4",
        "/{c}/archive/" + RunId + "/manifest.mpd",
    };

    [Theory]
    [MemberData(nameof(ArchivePaths))]
    public async Task Get_ArchivePaths_WithoutAToken_Are403(string template)
    {
        using var response = await GetAsync(template.Replace("{c}", _channel, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("a playback token is required", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ArchivePaths))]
    public async Task Get_ArchivePaths_WithATokenForAnotherChannel_Are403(string template)
    {
        var path = template.Replace("{c}", _channel, StringComparison.Ordinal);
        var other = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse(_channel + "-other"), DateTimeOffset.UtcNow.AddHours(1));

        using var inPath = await GetAsync($"/~t/{other}{path}");
        using var inQuery = await GetAsync($"{path}?token={other}");

        Assert.Equal(HttpStatusCode.Forbidden, inPath.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inQuery.StatusCode);
        Assert.Contains("does not grant this path", await inQuery.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RootChannelArchive_NeedsATokenForEveryPath()
    {
        var live = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse("live"), DateTimeOffset.UtcNow.AddHours(1));
        var everything = SignedPlaybackFixture.Signer.Sign(PathPrefix.Everything, DateTimeOffset.UtcNow.AddHours(1));

        using var refused = await GetAsync($"/~t/{live}/archive/");
        using var served = await GetAsync($"/~t/{everything}/archive/");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string target)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = _origin.DeliveryUri };
        return await client.GetAsync(new Uri(target, UriKind.Relative), Cancellation);
    }
}
