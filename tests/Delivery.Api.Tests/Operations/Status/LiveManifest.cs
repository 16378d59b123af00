using System.Text;

namespace CmafOrigin.Delivery.Tests.Status;

/// <summary>An MPD in the shape ffmpeg's dash muxer writes: one video and one audio track.</summary>
internal static class LiveManifest
{
    public static byte[] Bytes { get; } = Encoding.UTF8.GetBytes("""
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic"
            minimumUpdatePeriod="PT500S" availabilityStartTime="2026-11-23T20:00:00.000Z" maxSegmentDuration="PT2.0S" minBufferTime="PT4.0S">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video" startWithSAP="1" segmentAlignment="true" maxWidth="640" maxHeight="360">
              <Representation id="0" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="1000000" width="640" height="360">
                <SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" availabilityTimeComplete="false"
                    initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
            <AdaptationSet id="1" contentType="audio" startWithSAP="1" segmentAlignment="true" lang="und">
              <Representation id="1" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="64000" audioSamplingRate="48000">
                <SegmentTemplate timescale="1000000" duration="2000000" availabilityTimeOffset="1.500" availabilityTimeComplete="false"
                    initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
          <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://localhost:5001/time"/>
        </MPD>
        """);
}
