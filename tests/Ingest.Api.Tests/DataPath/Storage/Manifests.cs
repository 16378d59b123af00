using System.Text;

namespace CmafOrigin.Ingest.Tests.Storage;

/// <summary>MPDs in the shape ffmpeg writes (see shared/notes/field-notes.md), and one with names of its own.</summary>
internal static class Manifests
{
    public static byte[] Dynamic => Encoding.UTF8.GetBytes(Mpd("dynamic"));

    public static byte[] Static => Encoding.UTF8.GetBytes(Mpd("static"));

    public static byte[] CustomTemplates => Encoding.UTF8.GetBytes("""
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" profiles="urn:mpeg:dash:profile:isoff-live:2011">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" mimeType="video/mp4" codecs="avc1.640028" width="1920" height="1080">
              <SegmentTemplate timescale="1000" duration="2000" initialization="v-$RepresentationID$-init.cmfv" media="v-$RepresentationID$-$Number%06d$.cmfv" startNumber="1"/>
              <Representation id="hd" bandwidth="6000000"/>
            </AdaptationSet>
          </Period>
        </MPD>
        """);

    private static string Mpd(string type) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        	xmlns="urn:mpeg:dash:schema:mpd:2011"
        	profiles="urn:mpeg:dash:profile:isoff-live:2011"
        	type="{type}"
        	minimumUpdatePeriod="PT500S"
        	availabilityStartTime="2026-11-23T20:00:00.000Z"
        	maxSegmentDuration="PT2.0S"
        	minBufferTime="PT4.0S">
        	<Period id="0" start="PT0.0S">
        		<AdaptationSet id="0" contentType="video" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true" frameRate="30/1" maxWidth="640" maxHeight="360" par="16:9">
        			<Representation id="0" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="1000000" width="640" height="360" sar="1:1">
        				<SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" availabilityTimeComplete="false" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
        				</SegmentTemplate>
        			</Representation>
        		</AdaptationSet>
        		<AdaptationSet id="1" contentType="audio" startWithSAP="1" segmentAlignment="true" bitstreamSwitching="true" lang="und">
        			<Representation id="1" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="64000" audioSamplingRate="48000">
        				<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="1" />
        				<SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" availabilityTimeComplete="false" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1">
        				</SegmentTemplate>
        			</Representation>
        		</AdaptationSet>
        	</Period>
        	<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://localhost:5001/time"/>
        </MPD>
        """;
}
