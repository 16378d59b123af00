using System.Net;
using System.Security.Cryptography;
using System.Text;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Archive;

/// <summary>
/// A live channel with a DVR window of 2 minutes, 300 s into its run, 2 s segments: Redis holds segments 141 and 150
/// (140 was uploaded, then deleted by the encoder's window trimming), the archive's live run has 1 to 149 (and a 152 of
/// its own). One Delivery with the window, one without, on the same Redis and archive.
/// </summary>
public sealed class DvrFixture(RedisServer redis) : IAsyncLifetime
{
    public const int Ticks = 30_720;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    public ArchiveDirectory Archive { get; } = new();

    public string Channel { get; } = TestPaths.Channel("Dvr");

    public OriginHost Origin { get; private set; } = null!;

    /// <summary>Delivery without <c>Delivery:DvrWindow</c>.</summary>
    public DeliveryInstance WithoutDvr { get; private set; } = null!;

    public string RunDirectory { get; private set; } = string.Empty;

    /// <summary>The version id Ingest gave segment 140 before it was deleted, and the ETag Delivery served it with.</summary>
    public string DeletedVersion { get; private set; } = string.Empty;

    public string DeletedEntityTag { get; private set; } = string.Empty;

    public string ManifestPath => $"/{Channel}/out.mpd";

    public static string Name(long number) => $"chunk-stream0-{number:00000}.m4s";

    public string SegmentPath(long number) => $"/{Channel}/{Name(number)}";

    /// <summary>Segment <paramref name="number"/> (from 1) of track 0: 60 samples of 512 at 15360/s, 2 s.</summary>
    public static byte[] Segment(long number) => CmafSample.Segment((number - 1) * Ticks, [30, 30], payloadPerSample: 11 + (int)(number % 7));

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Archive:Directory"] = Archive.Root,
            // Long enough to start an upload for a held request, short enough for the 404s of the others.
            ["Delivery:EarlyRequestWait"] = "00:00:01",
        };
        Origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>(settings) { ["Delivery:DvrWindow"] = "00:02:00" });
        WithoutDvr = await Origin.StartDeliveryAsync(settings);

        await PutAsync(ManifestPath, Encoding.UTF8.GetBytes(Mpd));
        await PutAsync($"/{Channel}/init-stream0.m4s", CmafSample.Init());
        await PutAsync(SegmentPath(140), Segment(140));
        using (var served = await Origin.Delivery.GetAsync(new Uri(SegmentPath(140), UriKind.Relative)))
        {
            DeletedEntityTag = served.Headers.ETag!.Tag;
        }

        DeletedVersion = await CurrentVersionAsync(SegmentPath(140));
        var kept = await PutAsync(SegmentPath(141), Segment(141));
        await PutAsync(SegmentPath(150), Segment(150));
        (await Origin.Ingest.DeleteAsync(new Uri(SegmentPath(140), UriKind.Relative))).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow;
        var zero = now - TimeSpan.FromSeconds(300);
        RunDirectory = Archive.WriteRun(Channel, new ArchiveRun
        {
            Id = ArchiveLayout.RunId(zero),
            Channel = Channel,
            State = ArchiveRunState.Live,
            StartedAt = zero,
            MediaTimeZero = zero,
            Duration = 298,
            Tracks = [new ArchiveTrack { Id = "0", ContentType = "video", Timescale = CmafSample.Timescale, InitName = "init-stream0.m4s", InitSize = CmafSample.Init().Length }],
        });
        var archived = Enumerable.Range(1, 149).Select(n => (long)n).Append(152).Select(number => new LiveSegment(
            Name(number),
            number,
            number switch
            {
                140 => DeletedVersion,
                141 => kept,
                // Uploaded in an earlier run of the channel's encoder (an hour ago) under the same name.
                145 => VersionAt(now.AddHours(-1)),
                _ => VersionAt(now),
            },
            Segment(number),
            (number - 1) * Ticks,
            Ticks));
        ArchiveDirectory.WriteLiveTrack(RunDirectory, "0", CmafSample.Init(), archived);
    }

    public async ValueTask DisposeAsync()
    {
        await WithoutDvr.DisposeAsync();
        await Origin.DisposeAsync();
        Archive.Dispose();
    }

    /// <summary>A version id as Ingest makes them: the upload's start in Unix ms, in hex, then 8 hex digits.</summary>
    private static string VersionAt(DateTimeOffset time) =>
        $"{time.ToUnixTimeMilliseconds():x}{RandomNumberGenerator.GetHexString(8, lowercase: true)}";

    private async Task<string> PutAsync(string path, byte[] bytes)
    {
        using var response = await Origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await CurrentVersionAsync(path);
    }

    private async Task<string> CurrentVersionAsync(string path) =>
        (string?)await redis.Connection.GetDatabase().StringGetAsync(Origin.Keys.Current(ObjectPath.Parse(path))) ?? throw new InvalidOperationException($"nothing at {path}");

    private const string Mpd = """
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-02T10:00:00Z" timeShiftBufferDepth="PT10.0S" minimumUpdatePeriod="PT2S">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video">
              <Representation id="0" mimeType="video/mp4" bandwidth="800000">
                <SegmentTemplate timescale="15360" duration="30720" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """;
}
