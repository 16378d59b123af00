using System.Text;
using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Contracts.Tests.Catalog;

public sealed class ManifestDocumentTests
{
    /// <summary>What ffmpeg 5.1 writes for two video renditions and audio (see shared/notes/field-notes.md).</summary>
    private const string Ffmpeg = """
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic" minimumUpdatePeriod="PT500S" availabilityStartTime="2026-11-23T20:00:00.000Z">
          <ProgramInformation><Title>test</Title></ProgramInformation>
          <ServiceDescription id="0"><Latency target="1500" /></ServiceDescription>
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true" frameRate="30/1" maxWidth="640" maxHeight="360" par="16:9">
              <Representation id="0" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="800000" width="640" height="360" sar="1:1">
                <SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" availabilityTimeComplete="false" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1" />
              </Representation>
              <Representation id="1" mimeType="video/mp4" codecs="avc1.640015" bandwidth="400000" width="426" height="240" sar="1:1">
                <SegmentTemplate timescale="1000000" duration="2000000" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1" />
              </Representation>
            </AdaptationSet>
            <AdaptationSet id="1" contentType="audio" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true" lang="und">
              <Representation id="2" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="64000" audioSamplingRate="48000">
                <SegmentTemplate timescale="1000000" duration="2000000" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1" />
              </Representation>
            </AdaptationSet>
          </Period>
          <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://localhost:5001/time" />
        </MPD>
        """;

    [Fact]
    public void TryParse_FfmpegsMpd_GivesItsTracksAndTemplates()
    {
        var document = ManifestDocument.TryParse(Encoding.UTF8.GetBytes(Ffmpeg));

        Assert.NotNull(document);
        Assert.False(document.IsStatic);
        Assert.Equal(
            [("0", "video", "avc1.64001e", 800000L, 640, 360), ("1", "video", "avc1.640015", 400000L, 426, 240), ("2", "audio", "mp4a.40.2", 64000L, 0, 0)],
            document.Tracks.Select(t => (t.Id, t.ContentType, t.Codecs, t.Bandwidth, t.Width, t.Height)));
        Assert.Equal(6, document.Templates.Count);
        Assert.Contains(new SegmentTemplate("2", "chunk-stream2-", ".m4s"), document.Templates);
        Assert.Contains(new SegmentTemplate("1", "init-stream1.m4s", null), document.Templates);
    }

    [Fact]
    public void TryParse_FfmpegsMpd_DescribesEachTrackForAPlayer_InheritingFromItsAdaptationSet()
    {
        var document = ManifestDocument.TryParse(Encoding.UTF8.GetBytes(Ffmpeg));

        Assert.Equal(
            [("0", "video/mp4", "30/1", 0, ""), ("1", "video/mp4", "30/1", 0, ""), ("2", "audio/mp4", "", 48000, "und")],
            document!.Tracks.Select(t => (t.Id, t.MimeType, t.FrameRate, t.AudioSamplingRate, t.Language)));
    }

    [Fact]
    public void TryParse_StaticMpd_IsStatic()
    {
        var document = ManifestDocument.TryParse(Encoding.UTF8.GetBytes(Ffmpeg.Replace("type=\"dynamic\"", "type=\"static\"", StringComparison.Ordinal)));

        Assert.True(document!.IsStatic);
    }

    [Fact]
    public void TryParse_InheritsFromTheAdaptationSet_AndReadsTheMimeTypeWithoutContentType()
    {
        const string Mpd = """
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic">
              <Period><AdaptationSet mimeType="video/mp4" codecs="hvc1.1.6.L93.B0" width="1920" height="1080">
                <SegmentTemplate media="hd/$Number$.cmfv" initialization="hd/init.cmfv" />
                <Representation id="hd" bandwidth="5000000" />
              </AdaptationSet></Period>
            </MPD>
            """;

        var document = ManifestDocument.TryParse(Encoding.UTF8.GetBytes(Mpd))!;

        var track = Assert.Single(document.Tracks);
        Assert.Equal(("hd", "video", "hvc1.1.6.L93.B0", 1920, 1080), (track.Id, track.ContentType, track.Codecs, track.Width, track.Height));
        Assert.Contains(new SegmentTemplate("hd", "hd/", ".cmfv"), document.Templates);
    }

    [Theory]
    [InlineData("not xml at all")]
    [InlineData("<html><body>hello</body></html>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE MPD [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><MPD>&x;</MPD>")]
    public void TryParse_NotAnMpd_IsNull(string text)
    {
        Assert.Null(ManifestDocument.TryParse(Encoding.UTF8.GetBytes(text)));
    }
}
