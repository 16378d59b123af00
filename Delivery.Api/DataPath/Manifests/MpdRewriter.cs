using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Manifests;

/// <summary>
/// What Delivery changes in an MPD on its way out, applied once per version and variant by the completed-object
/// cache: its clock source (<see cref="UtcTimingRewriter"/>) and, with a DVR window, its time-shift buffer
/// (<see cref="TimeShiftRewriter"/>).
/// </summary>
internal sealed class MpdRewriter(IOptions<DeliveryOptions> options)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>False when MPDs are served exactly as uploaded.</summary>
    public bool RewritesMpds => _options.UtcTiming != UtcTimingMode.Keep || _options.DvrWindow > TimeSpan.Zero;

    /// <summary>
    /// What the rewritten bytes depend on besides the version, so each gets its own cache entry and ETag: the time URL,
    /// and the window when one is advertised (without one, the variant and ETag are what they always were).
    /// </summary>
    public string Variant(HttpRequest request) =>
        _options.DvrWindow > TimeSpan.Zero ? $"{TimeUrl(request)} {TimeShiftRewriter.Duration(_options.DvrWindow)}" : TimeUrl(request);

    public byte[] Rewrite(byte[] stored, HttpRequest request) =>
        TimeShiftRewriter.Rewrite(UtcTimingRewriter.Rewrite(stored, TimeUrl(request), _options.UtcTiming), _options.DvrWindow);

    /// <summary>This origin's /time as the player reached it (through whatever host name or proxy).</summary>
    private static string TimeUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/time";
}
