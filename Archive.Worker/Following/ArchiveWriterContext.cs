using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Archive.Recording;
using CmafOrigin.Archive.Telemetry;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Following;

/// <summary>What every <see cref="ChannelRecorder"/> of this writer shares.</summary>
internal sealed class ArchiveWriterContext(
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    ArchiveLayout layout,
    ChannelLease lease,
    StoredObjects objects,
    RunFinalizer finalizer,
    ArchiveMetrics metrics,
    ArchiveHealth health,
    IOptions<ArchiveOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ChannelRecorder> logger)
{
    public IConnectionMultiplexer Redis => redis;

    public ObjectKeys Keys => keys;

    public ArchiveLayout Layout => layout;

    public ChannelLease Lease => lease;

    public StoredObjects Objects => objects;

    public RunFinalizer Finalizer => finalizer;

    public ArchiveMetrics Metrics => metrics;

    public ArchiveHealth Health => health;

    public ArchiveOptions Options => options.Value;

    /// <summary>How long Ingest keeps a completed segment (<c>Ingest:CompletedRetention</c>): the archive must read it sooner.</summary>
    public TimeSpan IngestRetention { get; } = configuration.GetValue("Ingest:CompletedRetention", TimeSpan.FromMinutes(2));

    public TimeProvider Time => time;

    public ILogger Logger => logger;
}
