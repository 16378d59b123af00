namespace CmafOrigin.Originctl.Commands;

/// <summary>
/// A channel as the user types it: <c>live/demo</c>, <c>/live/demo/</c> or the manifest <c>live/demo/out.mpd</c>;
/// the root channel (a stream pushed to <c>/out.mpd</c>) as <c>/</c> or <c>out.mpd</c>. Empty only when nothing was typed.
/// </summary>
internal static class ChannelNames
{
    /// <summary>The root channel's name in every message and request (channel_catalog.proto).</summary>
    public const string Root = "/";

    public static string Normalize(string name)
    {
        var typed = name.Trim();
        var trimmed = typed.Trim('/');
        // A manifest's path names its channel: its directory.
        if (trimmed.EndsWith(".mpd", StringComparison.OrdinalIgnoreCase) || trimmed.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase))
        {
            var slash = trimmed.LastIndexOf('/');
            return slash < 0 ? Root : trimmed[..slash];
        }

        // Only slashes: the root, as the origin names it.
        return trimmed.Length == 0 && typed.Length > 0 ? Root : trimmed;
    }
}
