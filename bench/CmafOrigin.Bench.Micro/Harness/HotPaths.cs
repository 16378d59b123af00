using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Extensions;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Viewers;
using CmafOrigin.Ingest.Extensions;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CmafOrigin.Bench.Micro.Harness;

/// <summary>
/// The services' own hot-path objects, wired by their own registration code (AddIngestServices, AddDeliveryServices)
/// against a real redis-server, without Kestrel: Ingest's <see cref="ObjectStore"/> and Delivery's
/// <see cref="ObjectResponder"/> with its <see cref="LiveFeedHub"/> subscribed to object events.
/// </summary>
internal sealed class HotPaths : IAsyncDisposable
{
    private readonly RedisServer _redis;
    private readonly IHost _ingest;
    private readonly IHost _delivery;

    private HotPaths(RedisServer redis, IHost ingest, IHost delivery)
    {
        _redis = redis;
        _ingest = ingest;
        _delivery = delivery;
    }

    public ObjectStore Store => _ingest.Services.GetRequiredService<ObjectStore>();

    public ObjectResponder Responder => _delivery.Services.GetRequiredService<ObjectResponder>();

    public LiveFeedHub Hub => _delivery.Services.GetRequiredService<LiveFeedHub>();

    public static async Task<HotPaths> StartAsync()
    {
        var redis = await RedisServer.StartDedicatedAsync(persistent: false);
        var ingest = Build(redis, builder => builder.AddIngestServices());
        // The responder asks the archive for segments Redis no longer holds (DvrFallback): registered with the archive's reading.
        var delivery = Build(redis, builder => builder.AddDeliveryServices().AddArchiveDelivery());
        await ingest.StartAsync();
        await delivery.StartAsync();
        await delivery.Services.GetRequiredService<LiveFeedHub>().Subscribed.WaitAsync(TimeSpan.FromSeconds(15));
        return new HotPaths(redis, ingest, delivery);
    }

    /// <summary>Begins a new upload at <paramref name="path"/>, as Ingest does when a PUT arrives.</summary>
    public Task<UploadingVersion> BeginAsync(string path) =>
        Store.BeginAsync(ObjectPath.Parse(path), "video/iso.segment", traceParent: null);

    /// <summary>Ingest's append of one piece at the end of <paramref name="upload"/>, as its receiver does it.</summary>
    public async Task<bool> AppendAsync(UploadingVersion upload, ReadOnlyMemory<byte> piece)
    {
        if (await Store.AppendAsync(upload, piece, upload.Size, DateTimeOffset.UtcNow) != AppendResult.Stored)
        {
            return false;
        }

        ObjectStore.Appended(upload, piece.Span);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _delivery.StopAsync();
        await _ingest.StopAsync();
        _delivery.Dispose();
        _ingest.Dispose();
        await _redis.DisposeAsync();
    }

    private static IHost Build(RedisServer redis, Action<HostApplicationBuilder> addServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            [$"{StorageOptions.SectionName}:KeyPrefix"] = "cmaf",
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddMetrics();
        addServices(builder);
        return builder.Build();
    }
}
