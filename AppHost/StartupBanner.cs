using System.Text;
using CmafOrigin.AppHost.Encoder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CmafOrigin.AppHost;

/// <summary>
/// Once Ingest and Delivery are healthy, prints what a person needs after Aspire's own lines (the dashboard's login URL):
/// where things are, the publish credential, a push command to paste, and how to stop.
/// </summary>
internal sealed class StartupBanner(
    IServiceProvider services,
    IResourceWithConnectionString redis,
    OriginAddresses origin,
    IngestCredential credential,
    string controlToken,
    AppHostOptions options) : BackgroundService
{
    public const string ReadyLine = "CmafOrigin is running";

    public const string OwnRedisServer = "redis-server started by the AppHost";

    public const string GivenRedis = "given with --redis";

    public static readonly string OwnRedisCluster =
        $"Redis Cluster started by the AppHost: {Redis.RedisClusterExtensions.Masters} masters, {Redis.RedisClusterExtensions.Masters * Redis.RedisClusterExtensions.ReplicasPerMaster} replicas";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        try
        {
            await Task.WhenAll(
                notifications.WaitForResourceHealthyAsync("ingest", stoppingToken),
                notifications.WaitForResourceHealthyAsync("delivery", stoppingToken));
            var redisConnection = await redis.GetConnectionStringAsync(stoppingToken);
            Console.WriteLine(Render(redisConnection ?? "?", Describe(redis)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before it was up: nothing to announce.
        }
    }

    public static string Describe(IResourceWithConnectionString redis) => redis switch
    {
        Redis.RedisServerResource => OwnRedisServer,
        Redis.RedisClusterResource => OwnRedisCluster,
        _ => GivenRedis,
    };

    /// <param name="redisConnection">The connection string the services got.</param>
    /// <param name="redisOrigin">Where that Redis comes from: <see cref="OwnRedisServer"/>, <see cref="OwnRedisCluster"/> or <see cref="GivenRedis"/>.</param>
    public string Render(string redisConnection, string redisOrigin)
    {
        var ingest = OriginAddresses.Origin(origin.Ingest);
        var delivery = OriginAddresses.Origin(origin.Delivery);
        var rule = new string('=', 78);
        var text = new StringBuilder()
            .AppendLine(rule)
            .AppendLine(ReadyLine)
            .AppendLine($"  ingest    {ingest}    (encoders PUT here{Instances(options.IngestReplicas, "Ingest")})")
            .AppendLine($"  delivery  {delivery}    (players GET here{Instances(options.DeliveryReplicas, "Delivery")})")
            .AppendLine($"  player    {delivery}/player    status  {delivery}/status")
            .AppendLine($"  redis     {redisConnection}    ({redisOrigin})")
            .AppendLine($"  publish   user {credential.Username}  password {credential.Password}    (HTTP Basic, every path)")
            .AppendLine($"  control   {OriginAddresses.Origin(origin.Control)}    (gRPC, cleartext HTTP/2: ChannelCatalog, OriginAdmin)")
            .AppendLine($"  admin token  {controlToken}    (authorization: Bearer <token>)")
            .AppendLine();

        if (options.Archive)
        {
            text.AppendLine($"  archive   {options.ArchiveDirectory}    (every run as MP4s + VOD manifests: GET <channel>/archive/)");
            if (options.DvrWindow > TimeSpan.Zero)
            {
                text.AppendLine($"  DVR       players may seek {options.DvrWindow.TotalMinutes:0} minutes behind live");
            }

            text.AppendLine();
        }

        if (options.Demo)
        {
            text.AppendLine($"The demo encoder (ffmpeg) pushes to {ingest}{EncoderCommand.DemoManifestPath}")
                .AppendLine($"  DASH  {delivery}{EncoderCommand.DemoManifestPath}")
                .AppendLine($"  HLS   {delivery}{Path.ChangeExtension(EncoderCommand.DemoManifestPath, ".m3u8")}    (low-latency HLS made from the same push)")
                .AppendLine();
        }

        var publishUrl = credential.In(new Uri(origin.Ingest, EncoderCommand.ExampleManifestPath));
        return text
            .AppendLine("Push a test stream (low-latency DASH: 2 s segments, 0.5 s chunks):")
            .AppendLine(ShellCommand.Format(EncoderCommand.ExamplePush(publishUrl, origin.Delivery), indent: "  "))
            .AppendLine()
            .AppendLine("Play it:")
            .AppendLine($"  {delivery}/player?src={delivery}{EncoderCommand.ExampleManifestPath}")
            .AppendLine($"  ffplay {delivery}{EncoderCommand.ExampleManifestPath}")
            .AppendLine($"  LL-HLS (hls.js, Safari): {delivery}{Path.ChangeExtension(EncoderCommand.ExampleManifestPath, ".m3u8")}")
            .AppendLine()
            .AppendLine("Ctrl+C stops everything (redis-server, the services, the encoder, the dashboard).")
            .Append(rule)
            .ToString();
    }

    /// <summary>Nothing for one instance; for several, that Aspire's proxy spreads connections among them.</summary>
    private static string Instances(int count, string service) =>
        count > 1 ? $"; {count} {service} instances behind this port" : string.Empty;
}
