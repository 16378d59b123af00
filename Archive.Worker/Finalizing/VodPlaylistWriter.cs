using System.Globalization;
using System.Text;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// The finished run as VOD HLS: <c>master.m3u8</c> and one media playlist per track, each segment a byte range of
/// the track's final file (fMP4, EXT-X-MAP on the init segment).
/// </summary>
internal static class VodPlaylistWriter
{
    private const string AudioGroup = "audio";

    /// <summary>
    /// One EXT-X-STREAM-INF per video track, with every audio track in one EXT-X-MEDIA group (the first the default);
    /// without video, one per audio track. Text tracks are left out: HLS subtitles are WebVTT or IMSC, not what a live
    /// CMAF text track need be.
    /// </summary>
    public static string Multivariant(IReadOnlyList<FinalTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var video = tracks.Where(t => t.Track.ContentType == "video").ToList();
        var audio = tracks.Where(t => t.Track.ContentType == "audio").ToList();
        var playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n");
        if (tracks.Count > 0 && tracks.All(t => t.Segments.All(s => s.Independent)))
        {
            playlist.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        }

        if (video.Count == 0)
        {
            foreach (var track in audio)
            {
                AppendStreamInf(playlist, track.Bandwidth, track.AverageBandwidth, Codecs([track]), track, audioGroup: false);
            }

            return playlist.ToString();
        }

        for (var i = 0; i < audio.Count; i++)
        {
            var track = audio[i].Track;
            playlist.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"{AudioGroup}\",NAME=\"{Quoted(track.Id)}\"");
            if (track.Language.Length > 0)
            {
                playlist.Append(CultureInfo.InvariantCulture, $",LANGUAGE=\"{Quoted(track.Language)}\"");
            }

            playlist.Append(CultureInfo.InvariantCulture, $",DEFAULT={(i == 0 ? "YES" : "NO")},AUTOSELECT=YES,URI=\"{MediaPlaylistName(audio[i])}\"\n");
        }

        // A variant's bandwidth is its video's plus the most demanding audio it may be played with.
        var audioBandwidth = audio.Select(t => t.Bandwidth).DefaultIfEmpty(0).Max();
        var audioAverage = audio.Select(t => t.AverageBandwidth).DefaultIfEmpty(0).Max();
        foreach (var track in video)
        {
            AppendStreamInf(playlist, track.Bandwidth + audioBandwidth, track.AverageBandwidth + audioAverage, Codecs([track, .. audio]), track, audioGroup: audio.Count > 0);
        }

        return playlist.ToString();
    }

    /// <summary>The track's media playlist: every segment a byte range of its final file, the last one ending the playlist.</summary>
    public static string Media(FinalTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);

        // EXTINF is written rounded to 5 decimals; the target duration must cover what is written.
        var target = (long)Math.Ceiling(track.Segments.Select(s => Math.Round(s.Seconds, 5)).DefaultIfEmpty(1).Max());
        var playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n")
            .Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{Math.Max(1, target)}\n")
            .Append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        if (track.Segments.All(s => s.Independent))
        {
            playlist.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        }

        playlist.Append(CultureInfo.InvariantCulture, $"#EXT-X-MAP:URI=\"{track.FileName}\",BYTERANGE=\"{track.Init.ToHls()}\"\n");
        foreach (var segment in track.Segments)
        {
            playlist.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Seconds:0.00000},\n")
                .Append(CultureInfo.InvariantCulture, $"#EXT-X-BYTERANGE:{segment.Range.ToHls()}\n")
                .Append(track.FileName).Append('\n');
        }

        return playlist.Append("#EXT-X-ENDLIST\n").ToString();
    }

    public static string MediaPlaylistName(FinalTrack track) => Contracts.Archive.ArchiveLayout.VodMediaPlaylist(track.Track.Id);

    private static void AppendStreamInf(StringBuilder playlist, long bandwidth, long average, string codecs, FinalTrack track, bool audioGroup)
    {
        playlist.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth}");
        if (average > 0)
        {
            playlist.Append(CultureInfo.InvariantCulture, $",AVERAGE-BANDWIDTH={average}");
        }

        if (codecs.Length > 0)
        {
            playlist.Append(CultureInfo.InvariantCulture, $",CODECS=\"{codecs}\"");
        }

        if (track.Track.Width > 0 && track.Track.Height > 0)
        {
            playlist.Append(CultureInfo.InvariantCulture, $",RESOLUTION={track.Track.Width}x{track.Track.Height}");
        }

        if (FrameRate(track.Track.FrameRate) is { } frameRate)
        {
            playlist.Append(CultureInfo.InvariantCulture, $",FRAME-RATE={frameRate:0.000}");
        }

        if (audioGroup)
        {
            playlist.Append(CultureInfo.InvariantCulture, $",AUDIO=\"{AudioGroup}\"");
        }

        playlist.Append('\n').Append(MediaPlaylistName(track)).Append('\n');
    }

    /// <summary>The distinct codecs of <paramref name="tracks"/>, comma-separated, as CODECS lists them.</summary>
    private static string Codecs(IEnumerable<FinalTrack> tracks) =>
        Quoted(string.Join(',', tracks.Select(t => t.Track.Codecs).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal)));

    /// <summary>The MPD's frame rate (<c>30</c>, <c>30000/1001</c>) as a number; null when it is not one.</summary>
    private static double? FrameRate(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var numerator = slash < 0 ? value : value[..slash];
        var denominator = slash < 0 ? "1" : value[(slash + 1)..];
        return double.TryParse(numerator, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(denominator, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && n > 0 && d > 0
            ? n / d
            : null;
    }

    /// <summary>A quoted-string may hold neither a double quote nor a line break (RFC 8216 4.2).</summary>
    private static string Quoted(string value) =>
        value.Replace("\"", "'", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
}
