using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// The reports of every live Delivery instance: the ids whose report has not yet expired
/// (<see cref="ObjectKeys.DeliveryInstances"/> scored after now), then each one's report; an instance
/// whose report is already gone (it died, or stopped between the two reads) is skipped.
/// </summary>
public sealed class DeliveryReportReader(IConnectionMultiplexer redis, ObjectKeys keys, TimeProvider time)
{
    public async Task<IReadOnlyList<DeliveryInstanceReport>> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = await db.SortedSetRangeByScoreAsync(keys.DeliveryInstances, now, double.PositiveInfinity, Exclude.Start)
            .ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await db.StringGetAsync([.. ids.Select(id => keys.DeliveryReport((string)id!))]).ConfigureAwait(false);
        var reports = new List<DeliveryInstanceReport>(values.Length);
        foreach (var value in values)
        {
            if (value.IsNullOrEmpty)
            {
                continue;
            }

            try
            {
                reports.Add(DeliveryInstanceReport.Parser.ParseFrom((byte[])value!));
            }
            catch (InvalidProtocolBufferException)
            {
                // Not a report of ours (another version, or garbage): leave it out of every total.
            }
        }

        return reports;
    }
}
