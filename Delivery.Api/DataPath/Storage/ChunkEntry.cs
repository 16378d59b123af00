using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Storage;

internal enum ChunkEntryKind
{
    Data,
    End,
    Abort,
    Unknown,
}

/// <summary>One entry of a version's chunk stream: a piece of the body, or its end or abort marker.</summary>
/// <param name="ReceivedAt">When Ingest received a data piece (Unix µs): where pass-through latency is measured from.</param>
internal readonly record struct ChunkEntry(ChunkEntryKind Kind, ReadOnlyMemory<byte> Data, long ReceivedAt, long EndSize, string? Reason)
{
    public static ChunkEntry Parse(StreamEntry entry)
    {
        byte[]? data = null;
        long receivedAt = 0;
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case ObjectFields.Data:
                    data = (byte[]?)field.Value ?? [];
                    break;
                case ObjectFields.ReceivedAt:
                    receivedAt = (long)field.Value;
                    break;
                case ObjectFields.End:
                    return new ChunkEntry(ChunkEntryKind.End, default, 0, (long)field.Value, null);
                case ObjectFields.Abort:
                    return new ChunkEntry(ChunkEntryKind.Abort, default, 0, 0, field.Value);
                default:
                    break;
            }
        }

        return data is null
            ? new ChunkEntry(ChunkEntryKind.Unknown, default, 0, 0, null)
            : new ChunkEntry(ChunkEntryKind.Data, data, receivedAt, 0, null);
    }
}
