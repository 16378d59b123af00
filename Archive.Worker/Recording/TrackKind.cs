using CmafOrigin.Contracts.Cmaf;

namespace CmafOrigin.Archive.Recording;

/// <summary>A track's content type from its init segment's handler (hdlr), for a run whose MPD is not known.</summary>
internal static class TrackKind
{
    private const uint Hdlr = 0x68646c72;

    public static string Of(ReadOnlySpan<byte> init)
    {
        if (!Mp4Box.TryFindChild(init, Mp4Box.Moov, out var moov)
            || !Mp4Box.TryFindChild(moov, Mp4Box.Trak, out var trak)
            || !Mp4Box.TryFindChild(trak, Mp4Box.Mdia, out var mdia)
            || !Mp4Box.TryFindChild(mdia, Hdlr, out var hdlr)
            || hdlr.Length < 12)
        {
            return "video";
        }

        // hdlr: version/flags, pre_defined, then the handler type.
        return System.Text.Encoding.ASCII.GetString(hdlr.Slice(8, 4)) switch
        {
            "soun" => "audio",
            "text" or "subt" or "sbtl" => "text",
            _ => "video",
        };
    }
}
