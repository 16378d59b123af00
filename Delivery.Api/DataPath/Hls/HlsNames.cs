using System.Buffers;
using System.Globalization;
using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// The names of what LL-HLS adds next to a channel's MPD (<c>live/demo/out.mpd</c>): the multivariant playlist
/// <c>out.m3u8</c>, a media playlist per representation <c>out-llhls-0.m3u8</c>, and a part per CMAF chunk
/// <c>out-llhls-0-t30720.m4s</c>, named by its decode time (tfdt). A part's name does not depend on which segment it is
/// in, so the preload hint's name is right even when the next part turns out to start the next segment.
/// </summary>
internal static class HlsNames
{
    private const string Marker = "-llhls-";

    private static readonly SearchValues<char> RenditionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public static string MediaPlaylist(string baseName, string rendition) => $"{baseName}{Marker}{rendition}.m3u8";

    public static string Part(string baseName, string rendition, long decodeTime) =>
        $"{baseName}{Marker}{rendition}-t{decodeTime.ToString(CultureInfo.InvariantCulture)}.m4s";

    /// <summary>What <paramref name="path"/> asks for, if it is an LL-HLS name.</summary>
    public static HlsRequest? Parse(ObjectPath path)
    {
        var name = path.Name;
        var marker = name.IndexOf(Marker, StringComparison.Ordinal);
        if (marker <= 0)
        {
            return name.EndsWith(".m3u8", StringComparison.Ordinal) && name.Length > 5
                ? new HlsRequest(HlsRequestKind.Multivariant, ManifestOf(path, name[..^5]), null, 0)
                : null;
        }

        var baseName = name[..marker];
        var rest = name[(marker + Marker.Length)..];
        if (rest.EndsWith(".m3u8", StringComparison.Ordinal) && IsRendition(rest.AsSpan(0, rest.Length - 5)))
        {
            return new HlsRequest(HlsRequestKind.MediaPlaylist, ManifestOf(path, baseName), rest[..^5], 0);
        }

        var time = rest.LastIndexOf("-t", StringComparison.Ordinal);
        return rest.EndsWith(".m4s", StringComparison.Ordinal) && time > 0 && IsRendition(rest.AsSpan(0, time))
            && long.TryParse(rest.AsSpan(time + 2, rest.Length - time - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var decodeTime)
            ? new HlsRequest(HlsRequestKind.Part, ManifestOf(path, baseName), rest[..time], decodeTime)
            : null;
    }

    private static bool IsRendition(ReadOnlySpan<char> id) =>
        !id.IsEmpty && !id.ContainsAnyExcept(RenditionCharacters);

    private static ObjectPath ManifestOf(ObjectPath path, string baseName) =>
        ObjectPath.Parse("/" + (path.Channel.Length == 0 ? string.Empty : path.Channel + "/") + baseName + ".mpd");
}

internal enum HlsRequestKind
{
    Multivariant,
    MediaPlaylist,
    Part,
}

/// <summary>An LL-HLS request: the channel's MPD, and for a media playlist or part its rendition (and the part's decode time).</summary>
internal sealed record HlsRequest(HlsRequestKind Kind, ObjectPath Manifest, string? Rendition, long DecodeTime);
