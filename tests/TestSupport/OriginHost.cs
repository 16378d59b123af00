using System.Net;
using CmafOrigin.Contracts.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Ingest.Api and Delivery.Api, each on real Kestrel on a loopback port, sharing one real Redis
/// under a key prefix of their own, so hosts of parallel tests never see each other's keys.
/// </summary>
public sealed class OriginHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Ingest.Program> _ingest;
    private readonly WebApplicationFactory<Delivery.Program> _delivery;

    private OriginHost(
        RedisServer redis,
        string keyPrefix,
        WebApplicationFactory<Ingest.Program> ingest,
        WebApplicationFactory<Delivery.Program> delivery)
    {
        Redis = redis;
        KeyPrefix = keyPrefix;
        Keys = new ObjectKeys(keyPrefix);
        _ingest = ingest;
        _delivery = delivery;
        IngestUri = AddressOf(ingest.Services);
        DeliveryUri = AddressOf(delivery.Services);
        Ingest = new HttpClient { BaseAddress = IngestUri, Timeout = TimeSpan.FromMinutes(2) };
        Delivery = new HttpClient { BaseAddress = DeliveryUri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public RedisServer Redis { get; }

    public string KeyPrefix { get; }

    public ObjectKeys Keys { get; }

    public Uri IngestUri { get; }

    public Uri DeliveryUri { get; }

    /// <summary>A client of Ingest, as an encoder.</summary>
    public HttpClient Ingest { get; }

    /// <summary>A client of Delivery, as a player.</summary>
    public HttpClient Delivery { get; }

    public IServiceProvider IngestServices => _ingest.Services;

    public IServiceProvider DeliveryServices => _delivery.Services;

    /// <summary>
    /// Starts both services; <paramref name="settings"/> are configuration overrides for both (e.g. <c>Ingest:IdleTimeout</c>),
    /// <paramref name="services"/> adds to both service collections (e.g. an in-memory telemetry exporter),
    /// <paramref name="keyPrefix"/> reuses the keys of an earlier host (a restarted origin).
    /// </summary>
    public static async Task<OriginHost> StartAsync(
        RedisServer redis,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? keyPrefix = null)
    {
        // A prefix of its own, unless the test restarts an origin on what an earlier one stored.
        keyPrefix ??= $"t{Guid.NewGuid():N}"[..12];
        var ingest = Configure(new WebApplicationFactory<Ingest.Program>(), redis, keyPrefix, settings, services);
        var delivery = Configure(new WebApplicationFactory<Delivery.Program>(), redis, keyPrefix, settings, services);
        ingest.StartServer();
        delivery.StartServer();

        var host = new OriginHost(redis, keyPrefix, ingest, delivery);
        await host.WaitUntilHealthyAsync();
        return host;
    }

    /// <summary>Every Redis key this host's services wrote that still exists.</summary>
    public Task<IReadOnlyList<string>> StoredKeysAsync(string? channel = null) =>
        Redis.KeysAsync(channel is null ? $"{KeyPrefix}:*" : $"{KeyPrefix}:{{{channel}}}:*");

    /// <summary>The meta of the current version at <paramref name="path"/> (with leading slash), or null.</summary>
    public async Task<ObjectMeta?> CurrentMetaAsync(string path)
    {
        var objectPath = Contracts.Paths.ObjectPath.Parse(path);
        var db = Redis.Connection.GetDatabase();
        var version = (string?)await db.StringGetAsync(Keys.Current(objectPath));
        return version is null ? null : ObjectMeta.FromHash(await db.HashGetAllAsync(Keys.Meta(objectPath, version)));
    }

    /// <summary>Waits until the current version at <paramref name="path"/> satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForCurrentAsync(string path, Func<ObjectMeta?, bool> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition(await CurrentMetaAsync(path)))
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>
    /// Uploads <paramref name="piece"/> to <paramref name="path"/> and drops the connection once Ingest has
    /// stored it, as a crashing encoder would; returns when the abort is recorded.
    /// </summary>
    public async Task UploadThenDropAsync(string path, byte[] piece, CancellationToken cancellationToken)
    {
        await using var upload = PacedUpload.Start(Ingest, path);
        await upload.SendAsync(piece, cancellationToken);
        await WaitForCurrentAsync(path, meta => meta is { State: ObjectState.Uploading } && meta.Size == piece.Length, cancellationToken);
        await upload.AbortAsync();
        await WaitForCurrentAsync(path, meta => meta is not { State: ObjectState.Uploading }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Ingest.Dispose();
        Delivery.Dispose();
        await _delivery.DisposeAsync();
        await _ingest.DisposeAsync();
    }

    private static WebApplicationFactory<T> Configure<T>(
        WebApplicationFactory<T> factory,
        RedisServer redis,
        string keyPrefix,
        IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? services)
        where T : class
    {
        factory = factory.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:redis", redis.ConnectionString);
            builder.UseSetting("Storage:KeyPrefix", keyPrefix);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            // Kestrel warns that the explicit test listener overrides the configured URLs; expected here.
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel", "Error");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        });
        // An explicit listener overrides the "Urls" of appsettings.json: a free loopback port per host.
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        return factory;
    }

    private static Uri AddressOf(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var address = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return new Uri(address);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var client in new[] { Ingest, Delivery })
        {
            while (true)
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(50, timeout.Token);
            }
        }
    }
}
