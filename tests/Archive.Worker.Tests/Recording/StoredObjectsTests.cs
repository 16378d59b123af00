using CmafOrigin.Archive.Recording;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Recording;

/// <summary>Reading an upload's bytes back from Redis, as Ingest's scripts leave them (one stream entry per piece, then the end marker).</summary>
public sealed class StoredObjectsTests(RedisServer redis)
{
    /// <summary>The large object heap takes arrays of 85,000 bytes or more; it is not compacted.</summary>
    private const int LargeObjectHeapThreshold = 85_000;

    private readonly ObjectKeys _keys = new($"test-{Guid.NewGuid():N}");

    [Fact]
    public async Task ReadPiecesAsync_VideoSegment_ComesInItsStoredPieces_NoneOnTheLargeObjectHeap()
    {
        // A 300 KB video segment uploaded in 20 KB pieces: joined, it would be one 300 KB array on the large object
        // heap per segment, whose holes made the writer's heap grow in the soak.
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var stored = Enumerable.Range(0, 15).Select(i => TestPaths.Payload(20_000, i)).ToList();
        await StoreAsync(path, "v1", stored, announced: stored.Sum(p => p.Length));

        var pieces = await new StoredObjects(redis.Connection, _keys).ReadPiecesAsync(path, "v1");

        Assert.NotNull(pieces);
        Assert.Equal(stored, pieces);
        Assert.All(pieces, piece => Assert.True(piece.Length < LargeObjectHeapThreshold));
        Assert.Equal(stored.SelectMany(p => p), await new StoredObjects(redis.Connection, _keys).ReadAsync(path, "v1"));
    }

    [Fact]
    public async Task ReadPiecesAsync_PiecesShortOfTheAnnouncedSize_IsNull()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        await StoreAsync(path, "v1", [TestPaths.Payload(100, 1)], announced: 101);

        Assert.Null(await new StoredObjects(redis.Connection, _keys).ReadPiecesAsync(path, "v1"));
    }

    private async Task StoreAsync(ObjectPath path, string version, IEnumerable<byte[]> pieces, long announced)
    {
        var db = redis.Connection.GetDatabase();
        var key = _keys.Chunks(path, version);
        foreach (var piece in pieces)
        {
            await db.StreamAddAsync(key, ObjectFields.Data, piece);
        }

        await db.StreamAddAsync(key, ObjectFields.End, announced);
        await db.KeyExpireAsync(key, TimeSpan.FromMinutes(5));
    }
}
