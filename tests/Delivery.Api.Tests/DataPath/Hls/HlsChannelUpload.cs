using System.Globalization;
using System.Text;
using System.Xml;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Hls;

/// <summary>A one-rendition LL-DASH channel a test uploads itself: an MPD, its init segment and 2 s segments of 4 chunks.</summary>
internal static class HlsChannelUpload
{
    private static readonly int[] Chunks = [15, 15, 15, 15];

    /// <summary>
    /// The MPD, the init segment and segment 1, complete; <paramref name="firstSegment"/> replaces segment 1's bytes.
    /// With <paramref name="timeShiftBufferDepth"/> the MPD says how long segments stay available.
    /// </summary>
    public static async Task PublishAsync(OriginHost origin, string channel, CancellationToken cancellationToken, byte[]? firstSegment = null, TimeSpan? timeShiftBufferDepth = null)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var depth = timeShiftBufferDepth is { } window ? $" timeShiftBufferDepth=\"{XmlConvert.ToString(window)}\"" : string.Empty;
        var mpd = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="{start}" minimumUpdatePeriod="PT500S"{depth}>
              <Period id="0" start="PT0.0S">
                <AdaptationSet id="0" contentType="video" frameRate="30/1">
                  <Representation id="v" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="800000" width="640" height="360">
                    <SegmentTemplate timescale="1000000" duration="2000000" initialization="init-$RepresentationID$.m4s" media="chunk-$RepresentationID$-$Number%05d$.m4s" startNumber="1" />
                  </Representation>
                </AdaptationSet>
              </Period>
            </MPD>
            """;
        await PutAsync(origin, $"/{channel}/out.mpd", Encoding.UTF8.GetBytes(mpd), cancellationToken);
        await PutAsync(origin, $"/{channel}/init-v.m4s", CmafSample.Init(), cancellationToken);
        if (firstSegment is null)
        {
            await UploadSegmentAsync(origin, channel, 1, cancellationToken);
        }
        else
        {
            await PutAsync(origin, $"/{channel}/chunk-v-00001.m4s", firstSegment, cancellationToken);
        }
    }

    /// <summary>Segment <paramref name="number"/> (numbers from 1, each 4 × 15 samples long), uploaded whole.</summary>
    public static Task UploadSegmentAsync(OriginHost origin, string channel, int number, CancellationToken cancellationToken) =>
        PutAsync(origin, $"/{channel}/chunk-v-{number:D5}.m4s", CmafSample.Segment((number - 1) * Chunks.Sum() * CmafSample.SampleDuration, Chunks), cancellationToken);

    private static async Task PutAsync(OriginHost origin, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var put = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), cancellationToken);
        put.EnsureSuccessStatusCode();
    }
}
