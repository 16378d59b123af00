using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;

namespace CmafOrigin.Delivery.Storage;

/// <summary>The version of an object a request is bound to: a viewer never gets bytes of two versions.</summary>
/// <param name="TimeToLive">How long Redis still retains the version: how long caches may keep it.</param>
internal sealed record ObjectVersion(ObjectPath Path, string Version, ObjectMeta Meta, TimeSpan TimeToLive);
