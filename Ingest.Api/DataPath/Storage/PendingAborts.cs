using System.Collections.Concurrent;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Uploads;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Abort markers that could not be written because Redis was gone, written as soon as it is back.
/// </summary>
/// <remarks>
/// A Redis restarted with its data (AOF, a replica promoted) still holds the versions that were uploading
/// when it died, marked as uploading: without the marker their viewers would follow them until their keys
/// expire (<see cref="IngestOptions.UploadingTtl"/>). Bounded: past <see cref="MaxPending"/> the oldest are
/// left to expire on their own.
/// </remarks>
internal sealed class PendingAborts(ObjectStore store, IConnectionMultiplexer redis, ILogger<PendingAborts> logger) : IHostedService
{
    internal const int MaxPending = 10_000;

    private readonly ConcurrentQueue<(UploadingVersion Upload, string Reason)> _pending = new();
    private int _retrying;

    public int Count => _pending.Count;

    public void Add(UploadingVersion upload, string reason)
    {
        _pending.Enqueue((upload, reason));
        while (_pending.Count > MaxPending && _pending.TryDequeue(out _))
        {
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

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = WriteAsync();

    /// <summary>
    /// Writes the pending markers in the background, if there are any: called when an upload begins, since the write on
    /// reconnection fails when Redis answers before it is ready (still loading its data) and nothing else would retry it.
    /// </summary>
    public void WriteIfAny()
    {
        if (!_pending.IsEmpty)
        {
            _ = WriteAsync();
        }
    }

    /// <summary>Writes every pending marker; stops at the first failure (Redis gone again) and keeps the rest.</summary>
    internal async Task WriteAsync()
    {
        if (Interlocked.Exchange(ref _retrying, 1) == 1)
        {
            return;
        }

        try
        {
            var written = 0;
            while (_pending.TryPeek(out var pending))
            {
                try
                {
                    await store.AbortAsync(pending.Upload, pending.Reason);
                }
                catch (Exception ex) when (ex.IsStorageFailure())
                {
                    UploadLog.StorageFailed(logger, ex, pending.Upload.Path.Value);
                    return;
                }

                _pending.TryDequeue(out _);
                written++;
            }

            if (written > 0)
            {
                UploadLog.LateAbortsWritten(logger, written);
            }
        }
        finally
        {
            Volatile.Write(ref _retrying, 0);
        }
    }
}
