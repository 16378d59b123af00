using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Delivery.Storage;

namespace CmafOrigin.Delivery.Feeds;

/// <summary>
/// An upload that started: when this process heard of it (a <see cref="TimeProvider.GetTimestamp"/> of the injected clock),
/// the version its STARTED event names, and the meta its begin wrote when the event carries it: a waiting viewer then
/// binds to the version without asking Redis anything, else with one lookup of that version.
/// </summary>
internal readonly record struct UploadStart(long SignalledAt, string Version, ObjectMeta? Begun = null, TimeSpan TimeToLive = default)
{
    /// <summary>A start as its event tells it; <paramref name="begun"/> is null for a start that carries no meta.</summary>
    public static UploadStart Heard(long signalledAt, string version, UploadBegun? begun)
    {
        if (begun is null || begun.ContentType.Length == 0)
        {
            return new UploadStart(signalledAt, version);
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(begun.CreatedUnixMs);
        var meta = new ObjectMeta(
            begun.ContentType,
            ObjectState.Uploading,
            Size: 0,
            Chunks: 0,
            created,
            created,
            Previous: null,
            begun.TraceParent.Length > 0 ? begun.TraceParent : null,
            begun.IdleTimeoutMs > 0 ? TimeSpan.FromMilliseconds(begun.IdleTimeoutMs) : null);
        return new UploadStart(signalledAt, version, meta, TimeSpan.FromMilliseconds(begun.TimeToLiveMs));
    }

    /// <summary>The version to bind a viewer of <paramref name="path"/> to, when the event said all of it; else null.</summary>
    public ObjectVersion? Bound(ObjectPath path) => Begun is { } meta ? new ObjectVersion(path, Version, meta, TimeToLive) : null;
}
