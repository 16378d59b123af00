using System.Text;
using CmafOrigin.Delivery.Hls;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>The multivariant playlist's caption signalling, from the MPD alone.</summary>
public sealed class MultivariantPlaylistWriterTests
{
    private const string Mpd = """
        <?xml version="1.0"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-02T08:00:00Z">
          <Period id="0" start="PT0S">
            <AdaptationSet contentType="video">{0}
              <Representation id="0" codecs="avc1.64001e" bandwidth="800000" width="640" height="360" frameRate="30/1">
                <SegmentTemplate timescale="15360" duration="30720" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """;

    [Fact]
    public void VideoVariants_SayClosedCaptionsNone_WhenTheMpdDeclaresNoCaptions()
    {
        var playlist = Write(string.Empty);

        Assert.Contains(",CLOSED-CAPTIONS=NONE\nout-llhls-0.m3u8", playlist, StringComparison.Ordinal);
    }

    [Fact]
    public void VideoVariants_LeaveClosedCaptionsOut_WhenTheMpdDeclaresCea608()
    {
        var playlist = Write("""<Accessibility schemeIdUri="urn:scte:dash:cc:cea-608:2015" value="CC1=eng"/>""");

        Assert.DoesNotContain("CLOSED-CAPTIONS", playlist, StringComparison.Ordinal);
    }

    private static string Write(string accessibility)
    {
        var presentation = HlsPresentation.TryParse(Encoding.UTF8.GetBytes(Mpd.Replace("{0}", accessibility, StringComparison.Ordinal)), out var error);
        Assert.True(presentation is not null, error);
        return MultivariantPlaylistWriter.Write(new HlsChannelView("out", presentation), presentation.Renditions);
    }
}
