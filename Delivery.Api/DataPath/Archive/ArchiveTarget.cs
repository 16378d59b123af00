using System.Diagnostics.CodeAnalysis;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// A request for a channel's archive: its list of runs (<c>/live/demo/archive/</c>, the trailing slash optional) or a
/// file of one run (<c>/live/demo/archive/20261202T101500Z/manifest.mpd</c>). The channel is everything before the last
/// <c>archive</c> segment that ends the path, or that is followed by exactly a run id (<see cref="ArchiveLayout.IsRunId"/>)
/// and a file name; <c>/archive/</c> is the root channel's.
/// </summary>
internal readonly record struct ArchiveTarget(string Channel, string? RunId, string? File)
{
    public const string Segment = "archive";

    [MemberNotNullWhen(false, nameof(RunId), nameof(File))]
    public bool IsListing => RunId is null;

    /// <summary>
    /// Whether the end of <paramref name="path"/> has the shape of an archive request, whatever comes before it (the
    /// route value still carries a <c>~t/&lt;token&gt;/</c> prefix when routing runs): what the route constraint decides.
    /// </summary>
    public static bool HasArchiveShape(ReadOnlySpan<char> path)
    {
        var listing = path.EndsWith("/");
        var trimmed = listing ? path[..^1] : path;
        Span<Range> last = stackalloc Range[3];
        var count = SplitFromEnd(trimmed, last);
        if (count >= 1 && trimmed[last[0]].SequenceEqual(Segment))
        {
            return true;
        }

        return !listing && count == 3 && trimmed[last[2]].SequenceEqual(Segment) && ArchiveLayout.IsRunId(trimmed[last[1]].ToString());
    }

    /// <summary>
    /// Parses the raw request target (as the playback filter left it: without its <c>/~t/&lt;token&gt;/</c>). Every
    /// segment must be a valid object path segment (<see cref="ObjectPath"/>: no <c>%</c>, <c>..</c> or backslash),
    /// the same check the playback filter grants on, so nothing it could not check is ever served.
    /// </summary>
    public static bool TryParse(string rawTarget, out ArchiveTarget target, [NotNullWhen(false)] out string? error)
    {
        target = default;
        var query = rawTarget.AsSpan().IndexOfAny('?', '#');
        var raw = query >= 0 ? rawTarget[..query] : rawTarget;
        var listing = raw.Length > 1 && raw.EndsWith('/');
        if (!ObjectPath.TryParse(listing ? raw[..^1] : raw, out var path, out error))
        {
            return false;
        }

        if (path.Name == Segment)
        {
            target = new ArchiveTarget(path.Channel, null, null);
            return true;
        }

        // <channel>/archive/<run>/<file>: the run is the last segment of the object's directory, "archive" the one before.
        var slash = path.Channel.LastIndexOf('/');
        var run = path.Channel[(slash + 1)..];
        var beforeRun = slash >= 0 ? path.Channel[..slash] : string.Empty;
        var cut = beforeRun.LastIndexOf('/');
        var archive = beforeRun[(cut + 1)..];
        if (listing || slash < 0 || archive != Segment || !ArchiveLayout.IsRunId(run))
        {
            error = "not an archive path: <channel>/archive/ or <channel>/archive/<run id>/<file>";
            return false;
        }

        target = new ArchiveTarget(cut >= 0 ? beforeRun[..cut] : string.Empty, run, path.Name);
        return true;
    }

    /// <summary>The last (up to) three segments of <paramref name="path"/>, last first.</summary>
    private static int SplitFromEnd(ReadOnlySpan<char> path, Span<Range> last)
    {
        var count = 0;
        var end = path.Length;
        while (count < last.Length && end > 0)
        {
            var start = path[..end].LastIndexOf('/') + 1;
            last[count++] = new Range(start, end);
            end = start - 1;
        }

        return count;
    }
}
