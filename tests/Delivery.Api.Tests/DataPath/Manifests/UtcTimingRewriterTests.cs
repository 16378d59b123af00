using System.Text;
using System.Xml.Linq;
using CmafOrigin.Delivery.Manifests;

namespace CmafOrigin.Delivery.Tests.Manifests;

public sealed class UtcTimingRewriterTests
{
    private const string TimeUrl = "http://origin.example:5001/time";

    /// <summary>An MPD as ffmpeg 5.1 writes it with -ldash 1 -utc_timing_url (tabs and all).</summary>
    private const string FfmpegMpd = """
<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
	xmlns="urn:mpeg:dash:schema:mpd:2011"
	xmlns:xlink="http://www.w3.org/1999/xlink"
	xsi:schemaLocation="urn:mpeg:DASH:schema:MPD:2011 http://standards.iso.org/ittf/PubliclyAvailableStandards/MPEG-DASH_schema_files/DASH-MPD.xsd"
	profiles="urn:mpeg:dash:profile:isoff-live:2011"
	type="dynamic"
	mediaPresentationDuration="PT5.0S"
	maxSegmentDuration="PT2.0S"
	minBufferTime="PT2.0S">
	<ProgramInformation>
	</ProgramInformation>
	<ServiceDescription id="0">
	</ServiceDescription>
	<Period id="0" start="PT0.0S">
		<AdaptationSet id="0" contentType="video" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true" frameRate="30/1" maxWidth="320" maxHeight="180" par="16:9">
			<Representation id="0" mimeType="video/mp4" codecs="avc1.64000d" bandwidth="424297" width="320" height="180" sar="1:1">
				<SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
				</SegmentTemplate>
			</Representation>
		</AdaptationSet>
		<AdaptationSet id="1" contentType="audio" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true">
			<Representation id="1" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="69000" audioSamplingRate="48000">
				<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="1" />
				<SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
				</SegmentTemplate>
			</Representation>
		</AdaptationSet>
	</Period>
	<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://time.example.com/iso"/>
</MPD>
""";

    [Fact]
    public void Replace_PointsTheUtcTimingAtTheOriginAndChangesNothingElse()
    {
        var rewritten = Rewrite(FfmpegMpd, UtcTimingMode.Replace);

        Assert.Contains($"""<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="{TimeUrl}"/>""", rewritten, StringComparison.Ordinal);
        Assert.Equal(FfmpegMpd.Replace("http://time.example.com/iso", TimeUrl, StringComparison.Ordinal), rewritten);
        Assert.Single(XDocument.Parse(rewritten).Root!.Elements(), e => e.Name.LocalName == "UTCTiming");
    }

    [Fact]
    public void Replace_WithNoUtcTiming_AddsOneAsTheLastChildOfMpd()
    {
        var without = FfmpegMpd.Replace("\t<UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:http-xsdate:2014\" value=\"http://time.example.com/iso\"/>\n", string.Empty, StringComparison.Ordinal);

        var rewritten = Rewrite(without, UtcTimingMode.Replace);

        var root = XDocument.Parse(rewritten).Root!;
        var last = root.Elements().Last();
        Assert.Equal("UTCTiming", last.Name.LocalName);
        Assert.Equal(root.Name.Namespace, last.Name.Namespace);
        Assert.Equal(TimeUrl, (string?)last.Attribute("value"));
        var added = $"""  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="{TimeUrl}"/>""" + Environment.NewLine;
        Assert.Equal(without.Replace("</MPD>", added + "</MPD>", StringComparison.Ordinal), rewritten);
    }

    [Fact]
    public void Add_KeepsAnExistingUtcTiming()
    {
        Assert.Equal(FfmpegMpd, Rewrite(FfmpegMpd, UtcTimingMode.Add));
    }

    [Fact]
    public void Keep_ReturnsTheSameBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(FfmpegMpd);
        Assert.Same(bytes, UtcTimingRewriter.Rewrite(bytes, TimeUrl, UtcTimingMode.Keep));
    }

    [Fact]
    public void Replace_DirectSchemeAndPrefixedElements_BecomeHttpXsDateOnTheOrigin()
    {
        const string mpd = """<mpd:MPD xmlns:mpd="urn:mpeg:dash:schema:mpd:2011"><mpd:UTCTiming schemeIdUri='urn:mpeg:dash:utc:direct:2014' value='2026-11-23T19:00:00Z'></mpd:UTCTiming><mpd:UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-head:2014" value="https://a.example/x?a=1&amp;b=2" /></mpd:MPD>""";

        var rewritten = Rewrite(mpd, UtcTimingMode.Replace);

        var timings = XDocument.Parse(rewritten).Root!.Elements().ToList();
        Assert.Equal(["urn:mpeg:dash:utc:http-xsdate:2014", "urn:mpeg:dash:utc:http-head:2014"], timings.Select(t => (string?)t.Attribute("schemeIdUri")));
        Assert.All(timings, t => Assert.Equal(TimeUrl, (string?)t.Attribute("value")));
    }

    [Fact]
    public void Replace_EscapesTheTimeUrl()
    {
        var rewritten = Encoding.UTF8.GetString(UtcTimingRewriter.Rewrite(Encoding.UTF8.GetBytes(FfmpegMpd), "http://h/time?a=1&b=2", UtcTimingMode.Replace));

        Assert.Equal("http://h/time?a=1&b=2", (string?)XDocument.Parse(rewritten).Root!.Elements().Last().Attribute("value"));
    }

    [Theory]
    [InlineData("#EXTM3U\n#EXT-X-VERSION:7\n")]
    [InlineData("<html><body>not a manifest</body></html>")]
    public void NotAnMpd_IsServedUnchanged(string document)
    {
        var bytes = Encoding.UTF8.GetBytes(document);
        Assert.Same(bytes, UtcTimingRewriter.Rewrite(bytes, TimeUrl, UtcTimingMode.Replace));
    }

    private static string Rewrite(string mpd, UtcTimingMode mode) =>
        Encoding.UTF8.GetString(UtcTimingRewriter.Rewrite(Encoding.UTF8.GetBytes(mpd), TimeUrl, mode));
}
