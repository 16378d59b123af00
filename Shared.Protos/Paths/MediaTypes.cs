using System.Collections.Frozen;

namespace CmafOrigin.Contracts.Paths;

/// <summary>The object types the origin stores, by extension, and what kind of object each is.</summary>
public static class MediaTypes
{
    private static readonly FrozenDictionary<string, (string ContentType, ObjectKind Kind)> ByExtension =
        new Dictionary<string, (string, ObjectKind)>(StringComparer.Ordinal)
        {
            [".mpd"] = ("application/dash+xml", ObjectKind.Manifest),
            [".m3u8"] = ("application/vnd.apple.mpegurl", ObjectKind.Manifest),
            [".m4s"] = ("video/iso.segment", ObjectKind.Media),
            [".mp4"] = ("video/mp4", ObjectKind.Media),
            [".m4v"] = ("video/mp4", ObjectKind.Media),
            [".cmfv"] = ("video/mp4", ObjectKind.Media),
            [".m4a"] = ("audio/mp4", ObjectKind.Media),
            [".cmfa"] = ("audio/mp4", ObjectKind.Media),
            [".cmft"] = ("application/mp4", ObjectKind.Media),
            [".cmfm"] = ("application/mp4", ObjectKind.Media),
            [".init"] = ("video/mp4", ObjectKind.Media),
            [".header"] = ("video/mp4", ObjectKind.Media),
            [".vtt"] = ("text/vtt", ObjectKind.Media),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The extensions accepted for upload.</summary>
    public static IEnumerable<string> KnownExtensions => ByExtension.Keys;

    public static bool TryGet(ObjectPath path, out string contentType, out ObjectKind kind)
    {
        if (ByExtension.TryGetValue(path.Extension, out var entry))
        {
            (contentType, kind) = entry;
            return true;
        }

        contentType = string.Empty;
        kind = default;
        return false;
    }
}

/// <summary>What an object is to a player: decides how it may be cached.</summary>
public enum ObjectKind
{
    /// <summary>A segment or init segment: immutable once complete.</summary>
    Media,

    /// <summary>A manifest or playlist: replaced every segment, must never go stale.</summary>
    Manifest,
}
