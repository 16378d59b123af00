using CmafOrigin.Archive.Retention;
using CmafOrigin.Contracts.Paths;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Following;

/// <summary>
/// Finds the channels to archive and runs one <see cref="ChannelRecorder"/> for each channel whose lease this writer
/// holds. Channels are those with a live manifest (<c>{prefix}:manifests</c>) and those with a run still live on disk
/// (a writer died before ending it). The same disk scan applies the retention.
/// </summary>
internal sealed class ArchiveCoordinator(
    ArchiveWriterContext context,
    ArchiveRetention retention,
    ILogger<ArchiveCoordinator> logger) : BackgroundService
{
    private static readonly TimeSpan DiscoveryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DiskScanInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Task> _recorders = new(StringComparer.Ordinal);
    private HashSet<string> _liveOnDisk = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextDiskScan = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = context.Time.GetUtcNow();
                if (now >= nextDiskScan)
                {
                    nextDiskScan = now + DiskScanInterval;
                    _liveOnDisk = retention.Sweep(now);
                }

                foreach (var channel in (await ManifestChannelsAsync()).Union(_liveOnDisk))
                {
                    if (_recorders.TryGetValue(channel, out var running) && !running.IsCompleted)
                    {
                        continue;
                    }

                    if (await TryHoldAsync(channel))
                    {
                        _recorders[channel] = Task.Run(() => new ChannelRecorder(channel, context).RunAsync(stoppingToken), CancellationToken.None);
                    }
                }

                foreach (var (channel, done) in _recorders.Where(r => r.Value.IsCompleted).ToList())
                {
                    // A recorder that failed is started again on the next pass (it resumes from disk and the log).
                    if (done.Exception is { } failure)
                    {
                        Telemetry.ArchiveLog.RecorderFailed(logger, failure.GetBaseException(), channel);
                    }

                    _recorders.Remove(channel);
                }

                await Task.Delay(DiscoveryInterval, context.Time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_recorders.Values);
        }
    }

    private async Task<bool> TryHoldAsync(string channel)
    {
        try
        {
            return await context.Lease.HoldAsync(channel);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Telemetry.ArchiveLog.ReadFailed(logger, e, channel);
            return false;
        }
    }

    /// <summary>The directory of every channel whose DASH manifest Ingest lists.</summary>
    private async Task<IEnumerable<string>> ManifestChannelsAsync()
    {
        try
        {
            var manifests = await context.Redis.GetDatabase().SortedSetRangeByRankAsync(context.Keys.Manifests);
            return manifests
                .Select(m => ObjectPath.TryParse("/" + ((string)m!).TrimStart('/'), out var path, out _) ? path : (ObjectPath?)null)
                .Where(p => p is { Extension: ".mpd" })
                .Select(p => p!.Value.Channel)
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Telemetry.ArchiveLog.ReadFailed(logger, e, "(all)");
            return [];
        }
    }
}
