using System.Diagnostics;
using System.Net;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Playback;
using CmafOrigin.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Tests.Playback;

/// <summary>Signed playback: a valid token for the path, or 403 before anything is read from Redis.</summary>
public sealed class PlaybackAuthorizationTests(SignedPlaybackFixture fixture) : IClassFixture<SignedPlaybackFixture>
{
    /// <summary>Every command Delivery reads objects, versions or the manifest index with.</summary>
    private static readonly string[] ReadCommands =
        ["get", "mget", "hgetall", "hget", "hmget", "ttl", "pttl", "exists", "xrange", "xread", "xrevrange", "zrange", "zrevrange", "zrangebyscore", "evalsha", "eval"];

    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_WithPathToken_ServesTheObject()
    {
        using var response = await GetAsync($"/~t/{fixture.ChannelToken}/{fixture.SegmentPath}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Segment, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_WithQueryToken_ServesASegment()
    {
        using var response = await GetAsync($"/{fixture.SegmentPath}?token={fixture.ChannelToken}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Segment, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Get_ManifestWithQueryToken_RedirectsToThePathForm_WhoseRelativeSegmentUrlsCarryTheToken()
    {
        var token = fixture.ChannelToken;

        using var response = await GetAsync($"/{fixture.ManifestPath}?token={token}");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.Equal($"/~t/{token}/{fixture.ManifestPath}", location.OriginalString);
        using var manifest = await GetAsync(location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Contains("media=\"chunk-stream$RepresentationID$-$Number%05d$.m4s\"", await manifest.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        // What a player resolves the template to, against the manifest's URL.
        var segment = new Uri(new Uri(_origin.DeliveryUri, location), "chunk-stream0-00001.m4s");
        using var resolved = await _origin.Delivery.GetAsync(segment, Cancellation);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
    }

    [Fact]
    public async Task Get_TokenForAWiderPrefix_ServesEveryPathBelowIt()
    {
        var live = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse("live"), DateTimeOffset.UtcNow.AddMinutes(5));
        var everything = SignedPlaybackFixture.Signer.Sign(PathPrefix.Everything, DateTimeOffset.UtcNow.AddMinutes(5));

        using var first = await GetAsync($"/~t/{live}/{fixture.SegmentPath}");
        using var second = await GetAsync($"/~t/{everything}/{fixture.SegmentPath}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    public static TheoryData<string, string> Refusals()
    {
        var signer = SignedPlaybackFixture.Signer;
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var valid = signer.Sign(PathPrefix.Parse("live"), inAnHour);
        var parts = valid.Split('.');
        var otherPrefix = signer.Sign(PathPrefix.Parse("live/another-channel"), inAnHour).Split('.')[1];
        var flipped = parts[2][0] == 'A' ? 'B' + parts[2][1..] : 'A' + parts[2][1..];
        return new TheoryData<string, string>
        {
            { string.Empty, "a playback token is required" },
            { "not-a-token", "the playback token is malformed" },
            { $"{parts[0]}.{parts[1]}", "the playback token is malformed" },
            { signer.Sign(PathPrefix.Parse("live"), DateTimeOffset.UtcNow.AddSeconds(-1)), "the playback token has expired" },
            { signer.Sign(PathPrefix.Parse("live/another-channel"), inAnHour), "the playback token does not grant this path" },
            { $"{parts[0]}.{parts[1]}.{flipped}", "the playback token's signature is not valid" },
            { $"{parts[0]}.{otherPrefix}.{parts[2]}", "the playback token's signature is not valid" },
            { $"{inAnHour.AddDays(1).ToUnixTimeSeconds()}.{parts[1]}.{parts[2]}", "the playback token's signature is not valid" },
            { new PlaybackSigner("another-key-of-enough-length-0123456789").Sign(PathPrefix.Everything, inAnHour), "the playback token's signature is not valid" },
        };
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Get_WithoutAValidToken_Is403WithAReason(string token, string reason)
    {
        foreach (var target in new[] { $"/~t/{token}/{fixture.SegmentPath}", $"/{fixture.SegmentPath}?token={token}", $"/{fixture.ManifestPath}?token={token}" })
        {
            if (token.Length == 0 && target.StartsWith("/~t/", StringComparison.Ordinal))
            {
                continue;
            }

            using var response = await GetAsync(target);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task Get_WithoutAValidToken_ReadsNothingFromRedis()
    {
        var expired = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse(fixture.Channel), DateTimeOffset.UtcNow.AddMinutes(-1));
        var foreign = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse("live/elsewhere"), DateTimeOffset.UtcNow.AddMinutes(1));
        var before = await ReadCallsAsync();

        foreach (var target in new[]
        {
            $"/{fixture.SegmentPath}", $"/{fixture.ManifestPath}", $"/~t/{expired}/{fixture.SegmentPath}",
            $"/{fixture.SegmentPath}?token={foreign}", $"/{fixture.Channel}/never-uploaded.m4s", "/api/manifests/latest",
        })
        {
            using var response = await GetAsync(target);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(before, await ReadCallsAsync());
        // The count does see reads: one allowed request moves it.
        (await GetAsync($"/~t/{fixture.ChannelToken}/{fixture.Channel}/never-uploaded-either.mpd")).Dispose();
        Assert.True(await ReadCallsAsync() > before);
    }

    [Theory]
    [InlineData("/time")]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/metrics")]
    [InlineData("/player")]
    [InlineData("/player/dash.all.min.js")]
    public async Task OpenEndpoints_NeedNoToken(string path)
    {
        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LatestManifest_NamesOnlyWhatTheTokenGrants()
    {
        var inAMinute = DateTimeOffset.UtcNow.AddMinutes(1);
        var everything = SignedPlaybackFixture.Signer.Sign(PathPrefix.Everything, inAMinute);
        var elsewhere = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse("live/elsewhere"), inAMinute);

        using var granted = await GetAsync($"/api/manifests/latest?token={everything}");
        using var notGranted = await GetAsync($"/api/manifests/latest?token={elsewhere}");
        using var none = await GetAsync("/api/manifests/latest");

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Contains(fixture.ManifestPath, await granted.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notGranted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
    }

    [Fact]
    public async Task Head_IsCheckedLikeGet()
    {
        using var refused = await _origin.Delivery.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{fixture.SegmentPath}"), Cancellation);
        using var allowed = await _origin.Delivery.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/~t/{fixture.ChannelToken}/{fixture.SegmentPath}"), Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(fixture.Segment.Length, allowed.Content.Headers.ContentLength);
    }

    [Fact]
    public void Delivery_WithAShortKey_RefusesToStart()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:redis", fixture.Redis.ConnectionString);
            builder.UseSetting("Logging:LogLevel:Default", "None");
            builder.UseSetting("Delivery:SignedPlayback:Key", "too-short");
        });
        factory.UseKestrel(0);

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);

        Assert.Contains("Delivery:SignedPlayback:Key must be at least 32 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_DoesNotEndUpInTraces()
    {
        var token = fixture.ChannelToken;
        var traced = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => traced.Enqueue(
                $"{activity.DisplayName} {string.Join(' ', activity.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"))}"),
        };
        ActivitySource.AddActivityListener(listener);

        var foreign = SignedPlaybackFixture.Signer.Sign(PathPrefix.Parse("live/elsewhere"), DateTimeOffset.UtcNow.AddMinutes(5));

        (await GetAsync($"/~t/{token}/{fixture.SegmentPath}")).Dispose();
        (await GetAsync($"/{fixture.SegmentPath}?token={token}")).Dispose();
        // Refused, but valid for its own prefix: not to be recorded either.
        (await GetAsync($"/~t/{foreign}/{fixture.SegmentPath}")).Dispose();

        // A server span stops just after its response is sent: wait for all three.
        List<string> spans;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while ((spans = [.. traced.Where(span => span.Contains(fixture.SegmentPath, StringComparison.Ordinal))]).Count < 3)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Equal(3, spans.Count);
        Assert.All(spans, span => Assert.DoesNotContain(foreign.Split('.')[2], span, StringComparison.Ordinal));
        Assert.All(spans, span => Assert.DoesNotContain(token.Split('.')[2], span, StringComparison.Ordinal));
    }

    /// <summary>A GET that does not follow redirects: they are looked at.</summary>
    private async Task<HttpResponseMessage> GetAsync(string target)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
        {
            BaseAddress = _origin.DeliveryUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        return await client.GetAsync(new Uri(target, UriKind.Relative), Cancellation);
    }

    private async Task<long> ReadCallsAsync()
    {
        long total = 0;
        foreach (var command in ReadCommands)
        {
            total += await fixture.Redis.CommandCallsAsync(command);
        }

        return total;
    }
}
