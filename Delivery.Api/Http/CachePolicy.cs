using System.Globalization;
using CmafOrigin.Contracts.Paths;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Http;

/// <summary>The Cache-Control of each kind of answer, for players and for CDNs in front of Delivery.</summary>
internal sealed class CachePolicy(IOptions<DeliveryOptions> options)
{
    private readonly DeliveryOptions.CacheControlSettings _settings = options.Value.CacheControl;

    public string NotFound => _settings.NotFound;

    public string ForCompleted(ObjectKind kind, TimeSpan timeToLive) =>
        kind == ObjectKind.Manifest ? _settings.Manifest : WithMaxAge(_settings.Media, timeToLive);

    public string ForInProgress(ObjectKind kind, TimeSpan timeToLive) =>
        kind == ObjectKind.Manifest ? _settings.Manifest : WithMaxAge(_settings.InProgress, timeToLive);

    private static string WithMaxAge(string template, TimeSpan timeToLive) =>
        template.Replace("{0}", ((long)Math.Max(0, timeToLive.TotalSeconds)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
