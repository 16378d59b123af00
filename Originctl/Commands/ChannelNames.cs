namespace CmafOrigin.Originctl.Commands;

/// <summary>A channel as the user types it: <c>live/demo</c>, <c>/live/demo/</c> or the manifest <c>live/demo/out.mpd</c>.</summary>
internal static class ChannelNames
{
    public static string Normalize(string name)
    {
        var trimmed = name.Trim().Trim('/');
        // A manifest's path names its channel: its directory.
        if (trimmed.EndsWith(".mpd", StringComparison.OrdinalIgnoreCase) || trimmed.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase))
        {
            var slash = trimmed.LastIndexOf('/');
            trimmed = slash < 0 ? string.Empty : trimmed[..slash];
        }

        return trimmed;
    }
}
