using System.Net;
using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace CmafOrigin.Ingest.Tests.Control;

/// <summary>The control endpoint itself: its own port, the admin credential, gRPC health and reflection.</summary>
public sealed class ControlPlaneTests(RedisServer redis) : IAsyncLifetime
{
    private OriginHost _origin = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _origin = await OriginHost.StartAsync(redis);

    public async ValueTask DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Health_AnswersServing_WithoutAToken()
    {
        using var client = ControlClient.For(_origin.ControlUri, token: null);

        var health = await new Health.HealthClient(client.Channel).CheckAsync(new HealthCheckRequest(), client.Call(Cancellation));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheOriginsServices_WithoutAToken()
    {
        using var client = ControlClient.For(_origin.ControlUri, token: null);
        using var call = new ServerReflection.ServerReflectionClient(client.Channel).ServerReflectionInfo(client.Call(Cancellation));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, Cancellation);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Cancellation));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("cmaforigin.v1.ChannelCatalog", services);
        Assert.Contains("cmaforigin.v1.OriginAdmin", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task AdminCalls_WithoutAToken_AreUnauthenticated()
    {
        using var client = ControlClient.For(_origin.ControlUri, token: null);

        var list = await Assert.ThrowsAsync<RpcException>(async () => await client.Catalog.ListChannelsAsync(new ListChannelsRequest(), client.Call(Cancellation)));
        var purge = await Assert.ThrowsAsync<RpcException>(async () => await client.Admin.PurgeChannelAsync(new PurgeChannelRequest { Name = "live/x" }, client.Call(Cancellation)));
        using var watch = client.Catalog.WatchChannels(new WatchChannelsRequest(), client.Call(Cancellation));
        var watching = await Assert.ThrowsAsync<RpcException>(async () => await watch.ResponseStream.MoveNext(Cancellation));

        Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, purge.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, watching.StatusCode);
    }

    [Fact]
    public async Task AdminCalls_WithAWrongToken_ArePermissionDenied()
    {
        using var client = ControlClient.For(_origin.ControlUri, token: _origin.AdminToken + "x");

        var stats = await Assert.ThrowsAsync<RpcException>(async () => await client.Admin.GetOriginStatsAsync(new GetOriginStatsRequest(), client.Call(Cancellation)));
        var get = await Assert.ThrowsAsync<RpcException>(async () => await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = "live/x" }, client.Call(Cancellation)));

        Assert.Equal(StatusCode.PermissionDenied, stats.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, get.StatusCode);
    }

    [Fact]
    public async Task GetChannel_Unknown_IsNotFound_AndABadName_IsInvalidArgument()
    {
        using var client = ControlClient.For(_origin);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = TestPaths.Channel() }, client.Call(Cancellation)));
        var bad = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = "live/../etc" }, client.Call(Cancellation)));

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task WatchChannels_ASilentChannel_GetsAChannelEnded_AndStartsAgainWhenUploadsResume()
    {
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Catalog:EndedAfter"] = "00:00:02" });
        using var client = ControlClient.For(origin);
        var channel = TestPaths.Channel();
        await PutAsync(origin, $"/{channel}/out.mpd");
        await PutAsync(origin, $"/{channel}/chunk-stream0-00001.m4s");
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        watching.CancelAfter(TimeSpan.FromSeconds(30));
        using var watch = client.Catalog.WatchChannels(new WatchChannelsRequest { Channel = channel }, client.Call(watching.Token, TimeSpan.FromSeconds(40)));

        var kinds = new List<ChannelEventKind> { await NextAsync() };
        Assert.Equal(ChannelState.Ended, (await client.Catalog.GetChannelAsync(new GetChannelRequest { Name = channel }, client.Call(Cancellation))).State);
        await PutAsync(origin, $"/{channel}/chunk-stream0-00002.m4s");
        for (var i = 0; i < 4; i++)
        {
            kinds.Add(await NextAsync());
        }

        Assert.Equal(
            [ChannelEventKind.ChannelEnded, ChannelEventKind.ChannelStarted, ChannelEventKind.SegmentStarted, ChannelEventKind.SegmentCompleted, ChannelEventKind.ChannelEnded],
            kinds);

        async Task<ChannelEventKind> NextAsync()
        {
            Assert.True(await watch.ResponseStream.MoveNext(watching.Token), "the watch ended");
            return watch.ResponseStream.Current.Kind;
        }
    }

    [Fact]
    public async Task Grpc_IsNotServedOnTheIngestPort()
    {
        using var client = ControlClient.For(_origin.IngestUri, _origin.AdminToken);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Catalog.ListChannelsAsync(new ListChannelsRequest(), client.Call(Cancellation)));
        var health = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Health.HealthClient(client.Channel).CheckAsync(new HealthCheckRequest(), client.Call(Cancellation)));

        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
        Assert.NotEqual(StatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TheIngestApi_IsNotServedOnTheControlPort()
    {
        var channel = TestPaths.Channel();
        using var http2 = new HttpClient { BaseAddress = _origin.ControlUri, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var put = await http2.PutAsync(new Uri($"/{channel}/out.mpd", UriKind.Relative), new ByteArrayContent([1]), Cancellation);
        using var health = await http2.GetAsync(new Uri("/health", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Empty(await _origin.StoredKeysAsync(channel));
    }

    [Fact]
    public async Task Ingest_WithoutAnAdminToken_RefusesToStart_OutsideDevelopment()
    {
        var refused = await Record.ExceptionAsync(async () =>
            await (await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Control:AdminToken"] = "" })).DisposeAsync());
        await using var anonymous = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Control:AdminToken"] = "", ["Control:AllowAnonymous"] = "true" });
        using var client = ControlClient.For(anonymous.ControlUri, token: null);

        Assert.NotNull(refused);
        Assert.Contains("Control:AdminToken", refused.ToString(), StringComparison.Ordinal);
        Assert.Empty((await client.Catalog.ListChannelsAsync(new ListChannelsRequest(), client.Call(Cancellation))).Channels);
    }

    private static async Task PutAsync(OriginHost origin, string path)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation);
        response.EnsureSuccessStatusCode();
    }
}
