using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Delivery.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Reports;

/// <summary>
/// Writes this instance's <see cref="DeliveryInstanceReport"/> to Redis every <see cref="DeliveryReportOptions.ReportInterval"/>,
/// so the catalog, the admin stats and every instance's /status page can total what all instances deliver.
/// </summary>
/// <remarks>
/// The protocol (see <see cref="ObjectKeys.DeliveryInstances"/>): SET the report with a lifetime of three intervals,
/// ZADD the instance id scored by when that lifetime ends, and drop ids whose reports have ended. A dead instance
/// drops out on its own; a stopping one removes both at once. Redis being away costs a log line, not the process.
/// </remarks>
internal sealed class DeliveryReporter(
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    DeliveryTallies tallies,
    RedisReads reads,
    ReportMetrics metrics,
    TimeProvider time,
    IOptions<DeliveryReportOptions> options,
    ILogger<DeliveryReporter> logger) : BackgroundService
{
    private readonly DeliveryReportOptions _options = options.Value;
    private readonly long[] _counts = new long[PassThroughHistogram.BucketCount];
    private readonly long[] _interval = new long[PassThroughHistogram.BucketCount];
    private readonly IntervalRate _readRate = new(time);
    private readonly IntervalRate _byteRate = new(time);
    private bool _failing;

    public string InstanceId { get; } = options.Value.ResolveInstanceId();

    /// <summary>Builds the report of the interval that ends now; advances each channel's reported state.</summary>
    internal DeliveryInstanceReport BuildReport()
    {
        var redisReads = reads.Total;
        var delivered = tallies.Instance.DeliveredBytes;
        var report = new DeliveryInstanceReport
        {
            InstanceId = InstanceId,
            ReportedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Viewers = tallies.Instance.TakePeakViewers(),
            DeliveredBytes = delivered,
            RedisReads = redisReads,
            // Tenths are plenty for a page, and keep the figure readable in a dump of the report.
            RedisReadsPerSecond = Math.Round(_readRate.Next(redisReads), 1),
            DeliveredBitrateBps = (long)(_byteRate.Next(delivered) * 8),
        };

        foreach (var tally in tallies.Channels)
        {
            tally.PassThrough.CopyTo(_counts);
            var pieces = 0L;
            for (var i = 0; i < _counts.Length; i++)
            {
                _interval[i] = _counts[i] - tally.ReportedCounts[i];
                pieces += _interval[i];
            }

            _counts.CopyTo(tally.ReportedCounts, 0);
            var channelBytes = tally.DeliveredBytes;
            var sent = channelBytes - tally.ReportedBytes;
            tally.ReportedBytes = channelBytes;
            var viewers = tally.TakePeakViewers();

            if (viewers == 0 && sent == 0 && pieces == 0)
            {
                if (++tally.IdleReports >= DeliveryTallies.IdleReportsBeforeRetiring)
                {
                    tallies.Retire(tally);
                }

                continue;
            }

            tally.IdleReports = 0;
            report.Channels[ChannelName.Of(tally.Channel)] = new ChannelDelivery
            {
                Viewers = viewers,
                DeliveredBytes = channelBytes,
                PassThroughP50Ms = PassThroughHistogram.Quantile(_interval, 0.50),
                PassThroughP99Ms = PassThroughHistogram.Quantile(_interval, 0.99),
            };
        }

        return report;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ReportLog.Started(logger, InstanceId, _options.ReportInterval);
        using var timer = new PeriodicTimer(_options.ReportInterval, time);
        try
        {
            do
            {
                await WriteAsync(BuildReport());
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Gone at once rather than after three intervals: totals stop counting this instance now.
        try
        {
            var db = redis.GetDatabase();
            var transaction = db.CreateTransaction();
            _ = transaction.KeyDeleteAsync(keys.DeliveryReport(InstanceId));
            _ = transaction.SortedSetRemoveAsync(keys.DeliveryInstances, InstanceId);
            await transaction.ExecuteAsync().WaitAsync(TimeSpan.FromSeconds(2), time, cancellationToken);
        }
        catch (Exception ex) when (ex.IsStorageFailure() || ex is TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort (the connection may already be gone when the host's deadline has passed): the report's
            // time to live removes it anyway.
            ReportLog.RemoveFailed(logger, ex, InstanceId);
        }
    }

    private async Task WriteAsync(DeliveryInstanceReport report)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lifetime = _options.ReportLifetime;
        try
        {
            var transaction = redis.GetDatabase().CreateTransaction();
            _ = transaction.SortedSetRemoveRangeByScoreAsync(keys.DeliveryInstances, double.NegativeInfinity, now);
            _ = transaction.StringSetAsync(keys.DeliveryReport(InstanceId), report.ToByteArray(), lifetime);
            _ = transaction.SortedSetAddAsync(keys.DeliveryInstances, InstanceId, now + (long)lifetime.TotalMilliseconds);
            await transaction.ExecuteAsync();
            metrics.ReportWritten();
            if (_failing)
            {
                _failing = false;
                ReportLog.Restored(logger);
            }
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            metrics.ReportFailed();
            if (_failing)
            {
                ReportLog.StillFailing(logger, ex);
            }
            else
            {
                _failing = true;
                ReportLog.WriteFailed(logger, ex);
            }
        }
    }
}
