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
internal readonly record struct ChunkEntry(ChunkEntryKind Kind, ReadOnlyMemory<byte> Data, long EndSize, string? Reason)
{
    public static ChunkEntry Parse(StreamEntry entry)
    {
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case ObjectFields.Data:
                    return new ChunkEntry(ChunkEntryKind.Data, (byte[]?)field.Value ?? [], 0, null);
                case ObjectFields.End:
                    return new ChunkEntry(ChunkEntryKind.End, default, (long)field.Value, null);
                case ObjectFields.Abort:
                    return new ChunkEntry(ChunkEntryKind.Abort, default, 0, field.Value);
                default:
                    break;
            }
        }

        return new ChunkEntry(ChunkEntryKind.Unknown, default, 0, null);
    }
}
