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
/// Ingest.Api and Delivery.Api, each on real Kestrel on a loopback port, sharing one real Redis (a server or a
/// cluster) under a key prefix of their own, so hosts of parallel tests never see each other's keys.
/// </summary>
public sealed class OriginHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Ingest.Program> _ingest;
    private readonly WebApplicationFactory<Delivery.Program> _delivery;

    private OriginHost(
        ITestRedis redis,
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
        ControlUri = ControlAddressOf(ingest.Services);
        Ingest = new HttpClient { BaseAddress = IngestUri, Timeout = TimeSpan.FromMinutes(2) };
        Delivery = new HttpClient { BaseAddress = DeliveryUri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public ITestRedis Redis { get; }

    public string KeyPrefix { get; }

    public ObjectKeys Keys { get; }

    public Uri IngestUri { get; }

    public Uri DeliveryUri { get; }

    /// <summary>Ingest's control plane: gRPC over cleartext HTTP/2 (ChannelCatalog, OriginAdmin, health, reflection).</summary>
    public Uri ControlUri { get; }

    /// <summary>The admin token Ingest's control plane was given (<c>Control:AdminToken</c>, random unless set in the settings).</summary>
    public string? AdminToken { get; private init; }

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
        ITestRedis redis,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? keyPrefix = null)
    {
        // A prefix of its own, unless the test restarts an origin on what an earlier one stored.
        keyPrefix ??= $"t{Guid.NewGuid():N}"[..12];
        var adminToken = settings is not null && settings.TryGetValue("Control:AdminToken", out var configured) ? configured : Guid.NewGuid().ToString("N");
        var ingest = Configure(new WebApplicationFactory<Ingest.Program>(), redis, keyPrefix, IngestSettings(adminToken, settings), services, listen: false);
        var delivery = Configure(new WebApplicationFactory<Delivery.Program>(), redis, keyPrefix, settings, services);
        ingest.StartServer();
        delivery.StartServer();

        var host = new OriginHost(redis, keyPrefix, ingest, delivery) { AdminToken = adminToken };
        await WaitUntilHealthyAsync(host.Ingest, host.Delivery);
        return host;
    }

    /// <summary>
    /// Starts another Ingest instance on this host's Redis and key prefix, with this host's admin token, as a second
    /// process would be; <paramref name="settings"/> are its configuration overrides.
    /// </summary>
    public async Task<IngestInstance> StartIngestAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = Configure(new WebApplicationFactory<Ingest.Program>(), Redis, KeyPrefix, IngestSettings(AdminToken, settings), services: null, listen: false);
        factory.StartServer();
        var instance = new IngestInstance(factory, AddressOf(factory.Services), ControlAddressOf(factory.Services));
        await WaitUntilHealthyAsync(instance.Client);
        return instance;
    }

    /// <summary>
    /// Starts another Delivery instance on this host's Redis and key prefix, as a second process would be;
    /// <paramref name="settings"/> are its configuration overrides (e.g. <c>Delivery:InstanceId</c>).
    /// </summary>
    public async Task<DeliveryInstance> StartDeliveryAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = Configure(new WebApplicationFactory<Delivery.Program>(), Redis, KeyPrefix, settings, services: null);
        factory.StartServer();
        var instance = new DeliveryInstance(factory, AddressOf(factory.Services));
        await WaitUntilHealthyAsync(instance.Client);
        return instance;
    }

    /// <summary>
    /// Starts an archive writer on this host's Redis and key prefix, writing under <paramref name="directory"/>
    /// (give Ingest <c>Ingest:HoldDeletedForArchive</c> so that it keeps what the encoder deletes for it).
    /// </summary>
    public async Task<ArchiveWriterInstance> StartArchiveWriterAsync(string directory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Archive:Directory"] = directory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = Configure(new WebApplicationFactory<Archive.Program>(), Redis, KeyPrefix, all, services: null);
        factory.StartServer();
        var instance = new ArchiveWriterInstance(factory, AddressOf(factory.Services), directory);
        await WaitUntilHealthyAsync(instance.Client);
        return instance;
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

    /// <summary>True when the current version at <paramref name="path"/> is complete.</summary>
    public async Task<bool> IsCompleteAsync(string path) => await CurrentMetaAsync(path) is { State: ObjectState.Complete };

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

    /// <summary>Waits until Delivery holds a request for an upload that has not started yet (the early-request wait).</summary>
    public async Task WaitForHeldRequestAsync(CancellationToken cancellationToken)
    {
        var signals = DeliveryServices.GetRequiredService<Delivery.Feeds.UploadStartSignals>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (signals.Count == 0)
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

    /// <summary>Ingest binds its endpoints itself (ingest and control plane): both on free loopback ports.</summary>
    private static Dictionary<string, string?> IngestSettings(string? adminToken, IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Control:Url"] = "http://127.0.0.1:0",
            ["Control:AdminToken"] = adminToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    private static WebApplicationFactory<T> Configure<T>(
        WebApplicationFactory<T> factory,
        ITestRedis redis,
        string keyPrefix,
        IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? services,
        bool listen = true)
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
            // The "Testing" environment is not Development, where Ingest would refuse to start without credentials;
            // tests of authentication configure credentials (which then apply) or switch this off.
            builder.UseSetting("Ingest:Auth:AllowAnonymous", "true");
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
        if (listen)
        {
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            factory.UseKestrel();
        }

        return factory;
    }

    private static Uri AddressOf(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var address = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return new Uri(address);
    }

    /// <summary>Ingest binds its ingest endpoint(s) first and its control endpoint last.</summary>
    private static Uri ControlAddressOf(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.Last().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    private static async Task WaitUntilHealthyAsync(params HttpClient[] clients)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var client in clients)
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
