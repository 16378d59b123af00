using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Contracts.Tests.Storage;

public sealed class ObjectMetaTests
{
    [Fact]
    public void FromHash_ReadsEveryField()
    {
        var meta = ObjectMeta.FromHash(
        [
            new HashEntry("type", "video/iso.segment"), new HashEntry("state", "complete"), new HashEntry("size", 1234),
            new HashEntry("chunks", 10), new HashEntry("created", 1000), new HashEntry("updated", 3000),
            new HashEntry("prev", "v1"), new HashEntry("trace", "00-abc-def-01"), new HashEntry("idle", 10_000),
        ]);

        Assert.Equal(
            new ObjectMeta("video/iso.segment", ObjectState.Complete, 1234, 10, DateTimeOffset.FromUnixTimeMilliseconds(1000),
                DateTimeOffset.FromUnixTimeMilliseconds(3000), "v1", "00-abc-def-01", TimeSpan.FromSeconds(10)),
            meta);
    }

    [Fact]
    public void FromHash_NoIdleTimeout_IsNull()
    {
        // A version begun by an Ingest that does not state its idle timeout (or restored complete).
        var meta = ObjectMeta.FromHash([new HashEntry("type", "video/mp4"), new HashEntry("state", "uploading")]);

        Assert.Null(meta!.IdleTimeout);
    }

    [Fact]
    public void FromHash_EmptyPreviousAndTrace_AreNull()
    {
        var meta = ObjectMeta.FromHash([new HashEntry("type", "video/mp4"), new HashEntry("state", "uploading"), new HashEntry("prev", ""), new HashEntry("trace", "")]);

        Assert.Null(meta!.Previous);
        Assert.Null(meta.TraceParent);
    }

    [Fact]
    public void FromHash_MissingOrForeignHash_IsNull()
    {
        Assert.Null(ObjectMeta.FromHash([]));
        Assert.Null(ObjectMeta.FromHash([new HashEntry("type", "video/mp4"), new HashEntry("state", "weird")]));
    }
}
