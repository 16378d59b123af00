using System.Globalization;
using System.Text;

namespace CmafOrigin.Delivery.Hls;

/// <summary>Writes a channel's multivariant playlist: one variant per video representation, audio as one EXT-X-MEDIA group.</summary>
internal static class MultivariantPlaylistWriter
{
    private const string AudioGroup = "audio";

    public static string Write(HlsChannelView channel, IReadOnlyList<HlsRendition> renditions)
    {
        var video = renditions.Where(r => r.IsVideo).ToList();
        var audio = renditions.Where(r => r.IsAudio).ToList();
        var text = new StringBuilder(1024);
        text.Append("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (video.Count == 0)
        {
            // Audio only: each audio rendition is a variant of its own.
            foreach (var rendition in audio)
            {
                text.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={rendition.Bandwidth},AVERAGE-BANDWIDTH={rendition.Bandwidth},CODECS=\"{rendition.Codecs}\"\n");
                text.Append(HlsNames.MediaPlaylist(channel.BaseName, rendition.Id)).Append('\n');
            }

            return text.ToString();
        }

        for (var i = 0; i < audio.Count; i++)
        {
            var rendition = audio[i];
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"{AudioGroup}\",NAME=\"audio {rendition.Id}\",DEFAULT={(i == 0 ? "YES" : "NO")},AUTOSELECT=YES");
            if (rendition.Language is { Length: > 0 } language)
            {
                text.Append(CultureInfo.InvariantCulture, $",LANGUAGE=\"{language}\"");
            }

            if (rendition.AudioChannels is { Length: > 0 } channels)
            {
                text.Append(CultureInfo.InvariantCulture, $",CHANNELS=\"{channels}\"");
            }

            text.Append(CultureInfo.InvariantCulture, $",URI=\"{HlsNames.MediaPlaylist(channel.BaseName, rendition.Id)}\"\n");
        }

        // Variants by bandwidth, highest first; each carries the widest audio rendition's bandwidth and codec.
        var widestAudio = audio.OrderByDescending(a => a.Bandwidth).FirstOrDefault();
        foreach (var rendition in video.OrderByDescending(v => v.Bandwidth))
        {
            var bandwidth = rendition.Bandwidth + (widestAudio?.Bandwidth ?? 0);
            var codecs = widestAudio is null ? rendition.Codecs : $"{rendition.Codecs},{widestAudio.Codecs}";
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},AVERAGE-BANDWIDTH={bandwidth},CODECS=\"{codecs}\"");
            if (rendition.Width > 0 && rendition.Height > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $",RESOLUTION={rendition.Width}x{rendition.Height}");
            }

            if (rendition.FrameRate > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $",FRAME-RATE={rendition.FrameRate:0.000}");
            }

            if (audio.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $",AUDIO=\"{AudioGroup}\"");
            }

            // Said outright when the MPD declares no captions: without it Shaka downloads segments at load to look for
            // CEA-608 and, on a young stream, picks the in-progress segment (parts only, no URI) and fails to load.
            if (!channel.Presentation.HasClosedCaptions)
            {
                text.Append(",CLOSED-CAPTIONS=NONE");
            }

            text.Append('\n').Append(HlsNames.MediaPlaylist(channel.BaseName, rendition.Id)).Append('\n');
        }

        return text.ToString();
    }
}
