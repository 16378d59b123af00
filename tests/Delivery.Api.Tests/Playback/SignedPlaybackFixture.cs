using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Playback;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Playback;

/// <summary>
/// An origin with signed playback on, on a redis-server of its own, so that the commands Redis counts are this
/// origin's alone; and one channel holding a manifest and a segment.
/// </summary>
public sealed class SignedPlaybackFixture : IAsyncLifetime
{
    public const string Key = "test-playback-key-0123456789abcdefghij";

    public static readonly PlaybackSigner Signer = new(Key);

    public RedisServer Redis { get; } = new();

    public OriginHost Origin { get; private set; } = null!;

    public string Channel { get; } = TestPaths.Channel("Signed");

    public byte[] Segment { get; } = TestPaths.Payload(4096, 7);

    public string SegmentPath => $"{Channel}/chunk-stream0-00001.m4s";

    public string ManifestPath => $"{Channel}/out.mpd";

    /// <summary>A token for the channel, valid for an hour.</summary>
    public string ChannelToken => Signer.Sign(PathPrefix.Parse(Channel), DateTimeOffset.UtcNow.AddHours(1));

    public async ValueTask InitializeAsync()
    {
        await Redis.InitializeAsync();
        Origin = await OriginHost.StartAsync(Redis, new Dictionary<string, string?> { ["Delivery:SignedPlayback:Key"] = Key });
        (await Origin.Ingest.PutAsync(new Uri("/" + SegmentPath, UriKind.Relative), new ByteArrayContent(Segment))).EnsureSuccessStatusCode();
        (await Origin.Ingest.PutAsync(new Uri("/" + ManifestPath, UriKind.Relative), new StringContent(Manifest))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await Origin.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private const string Manifest = """
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" minimumUpdatePeriod="PT2S">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video">
              <Representation id="0" bandwidth="800000">
                <SegmentTemplate timescale="1000" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """;
}
