using System.Globalization;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Http;

/// <summary>The Cache-Control of each kind of answer, for players and for CDNs in front of Delivery.</summary>
/// <remarks>
/// Only objects whose name is new for every new content may be <c>immutable</c>: media segments. Manifests and init
/// segments keep their names across versions (ffmpeg writes <c>init-stream0.m4s</c> in every run, with whatever codec
/// and size that run has), so they are revalidated against their ETag, which is per version.
/// </remarks>
internal sealed class CachePolicy(IOptions<DeliveryOptions> options)
{
    private readonly DeliveryOptions.CacheControlSettings _settings = options.Value.CacheControl;

    public string NotFound => _settings.NotFound;

    public string ArchiveListing => _settings.ArchiveListing;

    public string ArchiveFile => _settings.ArchiveFile;

    public string ForCompleted(ObjectPath path, ObjectKind kind, TimeSpan timeToLive) =>
        kind == ObjectKind.Manifest ? _settings.Manifest
        : IsInit(path) ? _settings.Init
        : WithMaxAge(_settings.Media, timeToLive);

    public string ForInProgress(ObjectKind kind, TimeSpan timeToLive) =>
        kind == ObjectKind.Manifest ? _settings.Manifest : WithMaxAge(_settings.InProgress, timeToLive);

    // By name alone (ffmpeg's init-*, .init, .header): reading the channel's templates would cost a Redis read per request.
    private static bool IsInit(ObjectPath path) => InitSegment.Matches(path.Name, []);

    private static string WithMaxAge(string template, TimeSpan timeToLive) =>
        template.Replace("{0}", ((long)Math.Max(0, timeToLive.TotalSeconds)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
