using System.Text;

namespace CmafOrigin.Contracts.Archive;

/// <summary>
/// Where a channel's archived runs live on disk, shared by the writer (Archive.Worker) and the reader (Delivery):
/// <c>{root}/{channel directory}/@archive/{run id}/</c>. Object paths never contain <c>@</c>, so no channel or object can
/// be named like the archive's folder; the root channel (directory <c>""</c>, named <c>/</c>) keeps its runs in <c>{root}/@archive</c>.
/// </summary>
public sealed class ArchiveLayout(string root)
{
    public const string Folder = "@archive";
    public const string RunFile = "run.json";
    public const string VodManifest = "manifest.mpd";
    public const string VodMultivariantPlaylist = "master.m3u8";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder holding every run of the channel stored under <paramref name="channel"/> (its directory: <c>live/demo</c>, empty for the root).</summary>
    public string ChannelDirectory(string channel) => Path.Combine(Root, channel, Folder);

    public string RunDirectory(string channel, string runId) => Path.Combine(ChannelDirectory(channel), runId);

    /// <summary>The finished fragmented MP4 of a track: written once, at the end of its run.</summary>
    public static string TrackFile(string trackId) => FileSafe(trackId) + ".mp4";

    /// <summary>Init segment then every archived segment, appended while the run is live; removed once final.</summary>
    public static string LiveTrackFile(string trackId) => FileSafe(trackId) + ".mp4.part";

    /// <summary>One <see cref="ArchivedSegment"/> a line, appended after its bytes are on disk.</summary>
    public static string Journal(string trackId) => FileSafe(trackId) + ".journal";

    public static string VodMediaPlaylist(string trackId) => FileSafe(trackId) + ".m3u8";

    /// <summary>
    /// A representation id as a file name: letters, digits, '-', '_' and '.' (not leading) are kept, anything else becomes
    /// <c>~XX</c> (its UTF-8 bytes in hex), so distinct ids give distinct names.
    /// </summary>
    public static string FileSafe(string trackId)
    {
        var builder = new StringBuilder(trackId.Length);
        var bytes = Encoding.UTF8.GetBytes(trackId);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var plain = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' || (b == (byte)'.' && i > 0);
            _ = plain ? builder.Append((char)b) : builder.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.Length == 0 ? "~" : builder.ToString();
    }

    /// <summary>A run's id: its start in UTC, sortable and readable (<c>20261202T101500Z</c>).</summary>
    public static string RunId(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True for names <see cref="RunId"/> makes (optionally with a <c>-N</c> suffix): what Delivery agrees to open.</summary>
    public static bool IsRunId(string value)
    {
        var stem = value.Length > 16 && value[16] == '-' ? value[..16] : value;
        if (stem.Length != 16 || stem[8] != 'T' || stem[15] != 'Z')
        {
            return false;
        }

        var rest = value.Length > 16 ? value[17..] : string.Empty;
        return stem.Where((c, i) => i is not (8 or 15)).All(char.IsAsciiDigit)
            && (value.Length == 16 || (rest.Length is > 0 and <= 4 && rest.All(char.IsAsciiDigit)));
    }
}
