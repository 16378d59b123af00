using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// <c>--redis-cluster --delivery-replicas 2 --ingest-replicas 2</c> on the real AppHost (Aspire.Hosting.Testing: DCP
/// starts six redis-servers and the services as processes): one scenario from start to stop, since the last thing it
/// checks is what stopping leaves behind.
/// </summary>
public sealed class RedisClusterOnAspireTests
{
    private const string IngestPassword = "cluster-test-Pw_1";
    private const int Nodes = 6;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task RedisClusterOption_SixNodesFormOneCluster_ChannelsOfBothReplicaSetsLandOnTheirMasters_AndStopWithTheAppHost()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        var ct = deadline.Token;
        string[] args =
        [
            "--redis-cluster", "--delivery-replicas", "2", "--ingest-replicas", "2", "--no-archive",
            "--ingest-password", IngestPassword,
            "--ingest-port", Port(), "--delivery-port", Port(), "--control-port", Port(),
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, ct);
        // Disposed on every path: DCP stops whatever it started, even when an assertion below fails.
        await using var app = await builder.BuildAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clusterLog = new List<string>();
        var watching = CollectLogAsync(app, "redis", clusterLog, stopWatching.Token);
        var startup = Stopwatch.StartNew();
        await app.StartAsync(ct);
        await notifications.WaitForResourceHealthyAsync("redis", ct);
        var clusterOk = startup.Elapsed;
        await app.WaitForReplicasServingAsync("ingest", 2, ct);
        await app.WaitForReplicasServingAsync("delivery", 2, ct);
        Output?.WriteLine($"redis healthy {clusterOk.TotalSeconds:0.0} s after StartAsync, services {startup.Elapsed.TotalSeconds:0.0} s");

        // 1. Six redis-servers, each a resource of its own, Running, its process a cluster node
        var nodes = new List<ProcessIdentity>();
        foreach (var name in Enumerable.Range(1, Nodes).Select(i => $"redis-node-{i}"))
        {
            Assert.True(notifications.TryGetCurrentState(name, out var node), $"no resource {name}");
            Assert.Equal(KnownResourceStates.Running, node.Snapshot.State?.Text);
            Assert.Equal(HealthStatus.Healthy, node.Snapshot.HealthStatus);
            var pid = Convert.ToInt32(node.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
            Assert.True(ProcFs.TryReadStat(pid, out var stat), $"{name}'s process {pid} is not running");
            Assert.Contains("redis-server", ProcFs.CommandLine(pid), StringComparison.Ordinal);
            Assert.Contains("[cluster]", ProcFs.CommandLine(pid), StringComparison.Ordinal);
            nodes.Add(new ProcessIdentity(pid, stat.StartTime));
        }

        // 2. One cluster: ok, three masters with a replica each, every node a seed of the services' connection string
        var connectionString = await app.GetConnectionStringAsync("redis", ct);
        Assert.Equal(Nodes, connectionString!.Split(',').Length);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true,connectTimeout=5000");
        var anyNode = redis.GetServers()[0];
        var info = (string)(await anyNode.ExecuteAsync("CLUSTER", "INFO"))!;
        Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
        Assert.Contains("cluster_size:3", info, StringComparison.Ordinal);
        var topology = (await anyNode.ClusterNodesAsync())!;
        Assert.Equal(3, topology.Nodes.Count(node => !node.IsReplica && node.Slots.Count > 0));
        Assert.Equal(3, topology.Nodes.Count(node => node.IsReplica));

        // 3. Two channels whose hash tags fall on different masters: a chunked PUT through Ingest's port, followed by
        //    a Delivery GET while it uploads, then stored on that channel's master alone
        var (first, second) = await ChannelsOnTwoMastersAsync(anyNode, topology, ct);
        using var ingest = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = app.GetEndpoint("ingest", "http") };
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"encoder:{IngestPassword}")));
        using var delivery = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = app.GetEndpoint("delivery", "http") };
        foreach (var channel in new[] { first, second })
        {
            await PutInitAsync(ingest, $"/{channel.Name}/init-stream0.m4s", ct);
            await PutChunkedAndFollowAsync(ingest, delivery, $"/{channel.Name}/chunk-stream0-00001.m4s", ct);
            var master = redis.GetServer(channel.Master.EndPoint);
            Assert.NotEmpty(await KeysAsync(master, $"cmaf:{{{channel.Name}}}:*"));
            var other = channel == first ? second : first;
            Assert.Empty(await KeysAsync(redis.GetServer(other.Master.EndPoint), $"cmaf:{{{channel.Name}}}:*"));
        }

        // 4. The control plane (cleartext HTTP/2) through the proxy in front of both Ingest replicas: each fresh
        //    connection reaches one of them, and every one answers gRPC
        var control = app.GetEndpoint("ingest", "control");
        for (var connection = 0; connection < 4; connection++)
        {
            Assert.Equal("0", await GrpcHealthStatusAsync(control, ct));
        }

        await stopWatching.CancelAsync();
        await watching;
        // The cluster's own account of its start: how long until its nodes answered, and forming.
        Output?.WriteLine(string.Join(Environment.NewLine, clusterLog));

        // 5. Stopping the AppHost stops every node: no redis-server of it is left
        var stopping = Stopwatch.StartNew();
        await app.StopAsync(ct);
        while (nodes.Any(node => node.IsRunning) && stopping.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        Output?.WriteLine($"all {Nodes} redis-servers gone {stopping.Elapsed.TotalSeconds:0.0} s after StopAsync");
        Assert.Empty(nodes.Where(node => node.IsRunning).Select(node => $"{node.Pid} {node.CommandLine}"));
    }

    private static async Task CollectLogAsync(DistributedApplication app, string resource, List<string> lines, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(ct))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Done watching.
        }
    }

    /// <summary>
    /// Two channel names whose keys live on two different masters: every key of a channel carries its name as hash tag
    /// (<c>cmaf:{live/x}:…</c>), so CLUSTER KEYSLOT of the name is the channel's slot.
    /// </summary>
    private static async Task<(Channel First, Channel Second)> ChannelsOnTwoMastersAsync(IServer server, ClusterConfiguration topology, CancellationToken ct)
    {
        Channel? first = null;
        for (var i = 0; ; i++)
        {
            var name = $"live/cluster-{i}-{Guid.NewGuid():N}"[..24];
            var slot = (int)(long)(await server.ExecuteAsync("CLUSTER", "KEYSLOT", name).WaitAsync(ct))!;
            var channel = new Channel(name, topology.GetBySlot(slot)!);
            if (first is null)
            {
                first = channel;
            }
            else if (!Equals(first.Master.EndPoint, channel.Master.EndPoint))
            {
                return (first, channel);
            }
        }
    }

    /// <summary>
    /// PUTs a small CMAF segment chunk by chunk through Ingest (one of its replicas, whichever the proxy picks); a
    /// Delivery GET opened after the first chunk receives it while the upload goes on, and ends with every byte.
    /// </summary>
    private static async Task PutChunkedAndFollowAsync(HttpClient ingest, HttpClient delivery, string path, CancellationToken ct)
    {
        var segment = CmafSample.Segment(decodeTime: 0, samples: [15, 15, 15]);
        var moofs = Boxes(segment).Where(box => box.Type == "moof").Select(box => box.Offset).ToList();
        // Three chunks as an encoder sends them: styp+prft+moof+mdat each, split before the 2nd and 3rd prft.
        int[] cuts = [0, moofs[1] - PrftLength, moofs[2] - PrftLength, segment.Length];
        await using var upload = PacedUpload.Start(ingest, path);
        await upload.SendAsync(segment[cuts[0]..cuts[1]], ct);

        await using var viewer = await OpenWhenThereAsync(delivery, path, ct);
        await viewer.WaitForBytesAsync(cuts[1], ct, TimeSpan.FromSeconds(10));
        Assert.Equal(segment[..cuts[1]], viewer.Received[..cuts[1]]);
        await upload.SendAsync(segment[cuts[1]..cuts[2]], ct);
        await upload.SendAsync(segment[cuts[2]..cuts[3]], ct);
        using var response = await upload.CompleteAsync(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(await viewer.WaitForEndAsync(ct, TimeSpan.FromSeconds(10)), "Delivery's response did not end cleanly");
        Assert.Equal(segment, viewer.Received);
        Assert.True(viewer.Response.Headers.TransferEncodingChunked, "Delivery served the segment whole, not as it arrived");
    }

    /// <summary>grpc.health.v1.Health/Check over h2c on a connection of its own; the grpc-status it ends with.</summary>
    private static async Task<string?> GrpcHealthStatusAsync(Uri control, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(control, "/grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // One empty message: no compression flag, length 0.
            Content = new ByteArrayContent(new byte[5]) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } },
        };
        request.Headers.TE.ParseAdd("trailers");
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync(ct);
        return response.TrailingHeaders.TryGetValues("grpc-status", out var status) ? status.Single() : null;
    }

    private static async Task PutInitAsync(HttpClient ingest, string path, CancellationToken ct)
    {
        await using var upload = PacedUpload.Start(ingest, path);
        await upload.SendAsync(CmafSample.Init(), ct);
        using var response = await upload.CompleteAsync(ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The size of a version-1 prft box as <see cref="CmafSample"/> writes it, right before each moof.</summary>
    private const int PrftLength = 8 + 4 + 4 + 8 + 8;

    private static async Task<StreamingViewer> OpenWhenThereAsync(HttpClient delivery, string path, CancellationToken ct)
    {
        while (true)
        {
            var viewer = await StreamingViewer.OpenAsync(delivery, path, ct);
            if (viewer.Response.StatusCode == HttpStatusCode.OK)
            {
                return viewer;
            }

            await viewer.DisposeAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static IEnumerable<(string Type, int Offset)> Boxes(byte[] data)
    {
        for (var offset = 0; offset < data.Length;)
        {
            var size = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            yield return (Encoding.ASCII.GetString(data, offset + 4, 4), offset);
            offset += size;
        }
    }

    private static async Task<IReadOnlyList<string>> KeysAsync(IServer server, string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    private static string Port() => LoopbackPorts.Pick().ToString(CultureInfo.InvariantCulture);

    private sealed record Channel(string Name, ClusterNode Master);
}
