namespace CmafOrigin.Contracts.Catalog;

/// <summary>
/// A channel as operators see it (every proto message, originctl, /status, Delivery reports) versus its directory
/// as stored (key hash tags, <see cref="Paths.ObjectPath.Channel"/>). They differ only for a stream pushed to the
/// root (<c>/out.mpd</c>): its directory is empty, which no surface can show or address, so it is named <c>/</c>.
/// </summary>
public static class ChannelName
{
    /// <summary>The name of the channel whose objects sit at the root of the origin.</summary>
    public const string Root = "/";

    /// <summary>The name operators see for the channel stored under <paramref name="directory"/>.</summary>
    public static string Of(string directory) => directory.Length == 0 ? Root : directory;

    /// <summary>The directory the channel <paramref name="name"/> is stored under.</summary>
    public static string Directory(string name) => name == Root ? string.Empty : name;
}
