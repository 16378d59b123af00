using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CmafOrigin.AppHost.Tests;

/// <summary>
/// The real AppHost on Aspire.Hosting.Testing (DCP starts redis-server and the services as processes), with three
/// Delivery replicas and ffmpeg pushing one channel. One app per test class: start-up takes seconds, teardown longer.
/// </summary>
public sealed class OriginOnAspireFixture : IAsyncLifetime
{
    public const int DeliveryReplicas = 3;

    public const string IngestPassword = "aspire-test-Pw_1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly ConcurrentDictionary<string, ResourceEvent> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopWatching = new();
    private DistributedApplication? _app;
    private Task _watching = Task.CompletedTask;

    /// <summary>Since the encoder started: which segments exist follows from it (2 s each, the oldest deleted by ffmpeg's window).</summary>
    private readonly Stopwatch _encoding = new();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("not started");

    public Uri IngestUrl { get; private set; } = null!;

    public Uri DeliveryUrl { get; private set; } = null!;

    public HttpClient Delivery { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    /// <summary>Where the origin's archive writer writes: the fixture's own temporary directory.</summary>
    public string ArchiveDirectory { get; } = Directory.CreateTempSubdirectory("aspire-archive-").FullName;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        string[] args =
        [
            "--delivery-replicas", DeliveryReplicas.ToString(CultureInfo.InvariantCulture),
            "--ingest-password", IngestPassword,
            // Ports of their own, so other suites (and a developer's own origin on 5000-5002) are never in the way.
            "--ingest-port", LoopbackPorts.Pick().ToString(CultureInfo.InvariantCulture),
            "--delivery-port", LoopbackPorts.Pick().ToString(CultureInfo.InvariantCulture),
            "--control-port", LoopbackPorts.Pick().ToString(CultureInfo.InvariantCulture),
            "--archive-dir", ArchiveDirectory,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, ct);
        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);

        var notifications = _app.Services.GetRequiredService<ResourceNotificationService>();
        _watching = WatchInstancesAsync(notifications, _stopWatching.Token);
        await notifications.WaitForResourceHealthyAsync("redis", ct);
        await notifications.WaitForResourceHealthyAsync("ingest", ct);
        await _app.WaitForReplicasServingAsync("delivery", DeliveryReplicas, ct);

        IngestUrl = _app.GetEndpoint("ingest", "http");
        DeliveryUrl = _app.GetEndpoint("delivery", "http");
        Delivery = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = DeliveryUrl, Timeout = TimeSpan.FromSeconds(30) };
        var publish = new UriBuilder(IngestUrl) { UserName = "encoder", Password = IngestPassword }.Uri;
        Encoder = FfmpegEncoder.Start(publish, TestPaths.Channel("aspire"), new Uri(DeliveryUrl, "/time"));
        _encoding.Start();
    }

    /// <summary>
    /// The newest media segment of the first video stream that is complete (served with a Content-Length), once there is
    /// one at least <paramref name="atLeast"/>: ffmpeg's window deletes old segments, so a test takes a recent one.
    /// </summary>
    public Task<long> LatestCompleteSegmentAsync(long atLeast, CancellationToken cancellationToken) =>
        LiveSegments.LatestCompleteAsync(Delivery, number => Encoder.SegmentPath(0, number), () => _encoding.Elapsed, atLeast, cancellationToken);

    /// <summary>The latest snapshot of every instance of <paramref name="resourceName"/> (one per replica).</summary>
    public IReadOnlyList<CustomResourceSnapshot> Instances(string resourceName) =>
        [.. _instances.Values.Where(e => e.Resource.Name == resourceName).Select(e => e.Snapshot)];

    private async Task WatchInstancesAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                _instances[update.ResourceId] = update;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Encoder is not null)
        {
            await Encoder.DisposeAsync();
        }

        Delivery?.Dispose();
        await _stopWatching.CancelAsync();
        await _watching;
        _stopWatching.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(ArchiveDirectory, recursive: true);
    }
}
