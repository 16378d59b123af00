using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Grpc.Core;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Control;

/// <summary>Acting on the origin: purge a channel, origin-wide totals, archived runs.</summary>
internal sealed class OriginAdminService(
    ChannelPurge purge,
    ArchiveRuns archive,
    ChannelCatalogReader catalog,
    DeliveryReportReader reports,
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    ILogger<OriginAdminService> logger) : OriginAdmin.OriginAdminBase
{
    public override async Task<PurgeChannelResponse> PurgeChannel(PurgeChannelRequest request, ServerCallContext context)
    {
        var name = ChannelNames.Require(request.Name);
        try
        {
            // Nothing stored under the name: say so, as GetChannel does, rather than report a purge of nothing.
            var archived = request.IncludeArchive ? archive.DeleteFinal(name) : 0;
            var response = await purge.PurgeAsync(name, context.CancellationToken)
                ?? (archived > 0 ? new PurgeChannelResponse() : null)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"no channel '{ChannelName.Of(name)}' is on the origin"));
            response.ArchiveRunsRemoved = archived;
            ControlLog.Purged(logger, name, response.ObjectsRemoved, response.UploadsAborted);
            return response;
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            ControlLog.StorageFailed(logger, ex, nameof(PurgeChannel));
            throw new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable; the purge may be partial, repeat it"));
        }
    }

    public override Task<ListArchiveRunsResponse> ListArchiveRuns(ListArchiveRunsRequest request, ServerCallContext context)
    {
        var response = new ListArchiveRunsResponse();
        response.Runs.AddRange(archive.List(ChannelNames.Require(request.Name)));
        return Task.FromResult(response);
    }

    public override Task<DeleteArchiveRunResponse> DeleteArchiveRun(DeleteArchiveRunRequest request, ServerCallContext context)
    {
        var name = ChannelNames.Require(request.Name);
        var (outcome, bytes) = archive.Delete(name, request.RunId);
        return outcome switch
        {
            ArchiveRunRemoval.Deleted => Task.FromResult(new DeleteArchiveRunResponse { BytesRemoved = bytes }),
            ArchiveRunRemoval.Live => throw new RpcException(new Status(
                StatusCode.FailedPrecondition, $"run {request.RunId} of '{ChannelName.Of(name)}' is still being archived; delete it once it is final")),
            _ => throw new RpcException(new Status(StatusCode.NotFound, $"no archived run '{request.RunId}' of '{ChannelName.Of(name)}'")),
        };
    }

    public override async Task<OriginStats> GetOriginStats(GetOriginStatsRequest request, ServerCallContext context)
    {
        try
        {
            var channels = await catalog.ListAsync(context.CancellationToken);
            var live = channels.Where(c => c.State == ChannelState.Live).ToList();
            var db = redis.GetDatabase();
            var open = await Task.WhenAll(live.Select(c => db.HashGetAsync(keys.Channel(ChannelName.Directory(c.Name)), ChannelFields.OpenUploads)));
            var stats = new OriginStats
            {
                LiveChannels = live.Count,
                // Counted by the channels' scripts, so uploads on every Ingest instance are included.
                ActiveUploads = open.Sum(v => Math.Max(0, (int)v)),
                IngestBitrateBps = live.Sum(c => c.IngestBitrateBps),
            };
            foreach (var report in await reports.ReadAsync(context.CancellationToken))
            {
                stats.Viewers += report.Viewers;
                stats.DeliveryInstances.Add(report);
            }

            return stats;
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            ControlLog.StorageFailed(logger, ex, nameof(GetOriginStats));
            throw new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable"));
        }
    }
}
