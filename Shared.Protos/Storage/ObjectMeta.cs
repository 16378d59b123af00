using StackExchange.Redis;

namespace CmafOrigin.Contracts.Storage;

/// <summary>The metadata of one object version, as stored in its meta hash.</summary>
/// <param name="IdleTimeout">While uploading: how long its writer lets the upload be silent before aborting it; null from an Ingest that does not say.</param>
public sealed record ObjectMeta(
    string ContentType,
    ObjectState State,
    long Size,
    long Chunks,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Previous,
    string? TraceParent,
    TimeSpan? IdleTimeout = null)
{
    /// <summary>Reads a meta hash; null when it does not exist or is not one of ours.</summary>
    public static ObjectMeta? FromHash(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        string? type = null, state = null, prev = null, trace = null;
        long size = 0, chunks = 0, created = 0, updated = 0, idle = 0;
        foreach (var entry in entries)
        {
            switch ((string?)entry.Name)
            {
                case ObjectFields.ContentType: type = entry.Value; break;
                case ObjectFields.State: state = entry.Value; break;
                case ObjectFields.Size: size = (long)entry.Value; break;
                case ObjectFields.Chunks: chunks = (long)entry.Value; break;
                case ObjectFields.CreatedAt: created = (long)entry.Value; break;
                case ObjectFields.UpdatedAt: updated = (long)entry.Value; break;
                case ObjectFields.Previous: prev = entry.Value; break;
                case ObjectFields.TraceParent: trace = entry.Value; break;
                case ObjectFields.IdleTimeout: idle = (long)entry.Value; break;
                default: break;
            }
        }

        if (type is null || !ObjectStates.TryParse(state, out var parsed))
        {
            return null;
        }

        return new ObjectMeta(
            type,
            parsed,
            size,
            chunks,
            DateTimeOffset.FromUnixTimeMilliseconds(created),
            DateTimeOffset.FromUnixTimeMilliseconds(updated),
            string.IsNullOrEmpty(prev) ? null : prev,
            string.IsNullOrEmpty(trace) ? null : trace,
            idle > 0 ? TimeSpan.FromMilliseconds(idle) : null);
    }
}
