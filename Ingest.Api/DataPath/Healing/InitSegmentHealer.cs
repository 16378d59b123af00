using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Healing;

/// <summary>
/// Puts back the init segments Redis lost while their channel is still pushed: ffmpeg uploads them once per run, so
/// without them no new viewer could play the channel until its encoder restarts.
/// </summary>
/// <remarks>
/// Checked when the connection to Redis is restored (restarted, failed over) and, at most once per
/// <see cref="InitSegmentCopies.CheckInterval"/>, when an upload of the channel begins (a Redis that lost data without
/// dropping the connection, a restore that failed). A check is one MGET of the channel's init paths; only a path whose
/// current version is missing or older than the copy is written, by <see cref="ObjectStore.RestoreAsync"/>, which
/// decides again atomically and refuses a version the encoder deleted (through any Ingest): that copy is dropped.
/// </remarks>
internal sealed class InitSegmentHealer(
    InitSegmentCopies copies,
    ObjectStore store,
    IConnectionMultiplexer redis,
    ILogger<InitSegmentHealer> logger) : IHostedService
{
    /// <summary>An upload of <paramref name="channel"/> arrived, before anything is stored.</summary>
    public void UploadArrived(string channel) => copies.Touch(channel);

    /// <summary>Redis took the begin of an upload of <paramref name="upload"/>'s channel: check it if due.</summary>
    public void UploadBegun(UploadingVersion upload)
    {
        if (copies.ToCheck(upload.Path.Channel) is { Count: > 0 } held)
        {
            _ = HealAsync(upload.Path.Channel, held);
        }
    }

    /// <summary>An upload completed: an init segment is kept, to be put back if Redis loses it.</summary>
    public void UploadCompleted(UploadingVersion upload, string contentType, DateTimeOffset at)
    {
        if (upload.IsInitSegment && upload.InitBody is { } body)
        {
            copies.Keep(new HeldInitSegment(upload.Path, upload.Version, contentType, body.WrittenMemory.ToArray(), at));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        return Task.CompletedTask;
    }

    /// <summary>Checks every channel held and still pushed; returns how many init segments it put back.</summary>
    internal async Task<int> HealAllAsync()
    {
        var restored = 0;
        foreach (var channel in copies.Channels())
        {
            restored += await HealAsync(channel, copies.ToCheck(channel, force: true));
        }

        return restored;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _ = HealAllAsync();
        }
    }

    /// <summary>Never throws: a failure leaves the next upload's check to try again.</summary>
    private async Task<int> HealAsync(string channel, IReadOnlyList<HeldInitSegment> held)
    {
        if (held.Count == 0)
        {
            return 0;
        }

        try
        {
            // All paths of one channel share its hash tag: one MGET even on a cluster.
            var current = await store.CurrentVersionsAsync([.. held.Select(init => init.Path)]);
            var restored = 0;
            for (var i = 0; i < held.Count; i++)
            {
                // A newer version means the encoder (or another Ingest) replaced it: nothing lost.
                if (current[i] is not null && VersionIds.Compare(current[i]!, held[i].Version) >= 0)
                {
                    continue;
                }

                // Missing may also mean deleted, through this Ingest since the copies were listed or through another
                // one: the script knows, from the channel's record of deleted init segments.
                switch (await store.RestoreAsync(held[i]))
                {
                    case RestoreOutcome.Restored:
                        HealLog.Restored(logger, held[i].Path.Value, held[i].Version, held[i].Body.Length);
                        restored++;
                        break;
                    case RestoreOutcome.Deleted:
                        copies.Forget(held[i].Path, held[i].Version);
                        break;
                }
            }

            return restored;
        }
        catch (Exception ex) when (ex.IsStorageFailure() || ex is ObjectDisposedException)
        {
            HealLog.CheckFailed(logger, ex, channel);
            return 0;
        }
    }
}
