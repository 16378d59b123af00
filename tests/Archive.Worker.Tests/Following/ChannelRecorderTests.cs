using System.Net;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Following;

/// <summary>The archive writer following a real ffmpeg push through a real Ingest and Redis.</summary>
public sealed class ChannelRecorderTests(RedisServer redis) : IDisposable
{
    private static readonly Dictionary<string, string?> IngestHoldingForTheArchive = new()
    {
        ["Ingest:HoldDeletedForArchive"] = "true",
    };

    private readonly string _archive = Directory.CreateTempSubdirectory("archive-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_IsArchivedAsOneRun_EverySegmentOnceInOrder_ByteForByteAsUploaded()
    {
        await using var origin = await OriginHost.StartAsync(redis, IngestHoldingForTheArchive);
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:05" });
        var channel = TestPaths.Channel();

        await using (var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(12) }))
        {
            var exit = await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation);
            Assert.True(exit == 0, encoder.Process.Describe());
        }

        var archive = new ArchiveOnDisk(_archive, channel);
        var run = Assert.Single(await archive.FinalRunsAsync(1, TimeSpan.FromSeconds(30), Cancellation));
        Assert.Equal(["0", "1", "2"], run.Tracks.Select(t => t.Id).Order());
        foreach (var track in run.Tracks)
        {
            var journal = archive.Journal(run, track.Id);
            // 12 s of 2 s segments, and the few frames after them when ffmpeg's exit lets their upload finish; its last
            // segments may also be cut by its exit (a recorded gap). All the others are there, once, in order.
            Assert.InRange(journal.Count, 5, 7);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(s => s.Number));
            Assert.All(journal.Zip(journal.Skip(1)), pair => Assert.Equal(pair.First.DecodeTime + pair.First.Duration, pair.Second.DecodeTime));
            await archive.AssertSegmentsAsUploadedAsync(origin, run, track.Id, Cancellation);
        }
    }

    [Fact]
    public async Task ArchiveThatCannotBeWritten_StopsArchivingTheChannel_OnHealthAndAMetric_WhileLivePlaybackGoesOn()
    {
        // A file where the channel's folder would go: every write of its archive fails, as on a full or broken disk.
        var channel = TestPaths.Channel();
        await File.WriteAllTextAsync(Path.Combine(_archive, "live"), "not a folder", Cancellation);
        await using var origin = await OriginHost.StartAsync(redis, IngestHoldingForTheArchive);
        await using var writer = await origin.StartArchiveWriterAsync(_archive);
        using var failures = new InstrumentCounter(writer.Services, "cmaforigin.archive.write_failures");
        await using var encoder = FfmpegEncoder.Start(
            origin.IngestUri, channel, new Uri(origin.DeliveryUri, "/time"), FfmpegEncoderSettings.Default with { Duration = TimeSpan.FromSeconds(10) });

        Assert.True(await failures.WaitForAsync(1, TimeSpan.FromSeconds(30), Cancellation), "no write failure was counted");
        Assert.Equal("Degraded", await writer.Client.GetStringAsync(new Uri("/health", UriKind.Relative), Cancellation));

        await origin.WaitForCurrentAsync(encoder.SegmentPath(0, 3), meta => meta is { State: Contracts.Storage.ObjectState.Complete }, Cancellation);
        var segment = await origin.Delivery.GetByteArrayAsync(new Uri(encoder.SegmentPath(0, 3), UriKind.Relative), Cancellation);
        Assert.Equal((await origin.CurrentMetaAsync(encoder.SegmentPath(0, 3)))!.Size, segment.Length);
        Assert.Equal(0, await encoder.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Cancellation));
        Assert.Empty(new ArchiveOnDisk(_archive, channel).Runs);
    }

    [Fact]
    public async Task UploadBeginningAfterTheEncoderEndedTheChannel_DoesNotSplitTheRun_ItsLastSegmentStillJoinsIt()
    {
        // ffmpeg's exit, as seen on a loaded machine: its final manifest (static) is stored while its last video
        // segment is still arriving, and a teardown upload begins on the ended channel (which starts it again). The
        // last segment belongs to the same encoder run: same init segment, the next number and decode time.
        await using var origin = await OriginHost.StartAsync(redis, IngestHoldingForTheArchive);
        await using var writer = await origin.StartArchiveWriterAsync(_archive, new Dictionary<string, string?> { ["Archive:EndAfter"] = "00:00:30" });
        var channel = TestPaths.Channel();
        var archive = new ArchiveOnDisk(_archive, channel);
        await PutAsync(origin, $"/{channel}/out.mpd", Manifest("dynamic"));
        await PutAsync(origin, $"/{channel}/init-stream0.m4s", CmafSample.Init());
        await PutAsync(origin, SegmentPath(channel, 1), Segment(1));
        await PutAsync(origin, SegmentPath(channel, 2), Segment(2));
        await archive.WaitForSegmentsAsync("0", 2, TimeSpan.FromSeconds(30), Cancellation);

        await using (var last = PacedUpload.Start(origin.Ingest, SegmentPath(channel, 3)))
        {
            var bytes = Segment(3);
            await last.SendAsync(bytes[..(bytes.Length / 2)], Cancellation);
            await PutAsync(origin, $"/{channel}/out.mpd", Manifest("static"));
            await origin.UploadThenDropAsync(SegmentPath(channel, 4), bytes[..100], Cancellation);
            await last.SendAsync(bytes[(bytes.Length / 2)..], Cancellation);
            Assert.Equal(HttpStatusCode.Created, (await last.CompleteAsync(Cancellation)).StatusCode);
        }

        // Ended as the encoder asked (3 s after the last upload), well before Archive:EndAfter's 30 s of quiet.
        var run = Assert.Single(await archive.FinalRunsAsync(1, TimeSpan.FromSeconds(20), Cancellation));
        Assert.Equal([1L, 2L, 3L], archive.Journal(run, "0").Select(s => s.Number));
        Assert.Contains(run.Gaps, gap => gap.Track == "0" && gap.FromSegment == 4 && gap.Reason == "upload aborted");
        await archive.AssertSegmentsAsUploadedAsync(origin, run, "0", Cancellation);
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);

    private static string SegmentPath(string channel, long number) => $"/{channel}/chunk-stream0-{number:00000}.m4s";

    /// <summary>Segment <paramref name="number"/> (from 1): 2 s of 512-tick samples at 15360/s, in two chunks.</summary>
    private static byte[] Segment(long number) => CmafSample.Segment((number - 1) * 30_720, [30, 30]);

    private static async Task PutAsync(OriginHost origin, string path, byte[] bytes)
    {
        using var response = await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(bytes), Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {response.StatusCode}");
    }

    private static byte[] Manifest(string type) => Encoding.UTF8.GetBytes($"""
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="{type}" availabilityStartTime="2026-12-02T10:00:00Z" minimumUpdatePeriod="PT2S">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video">
              <Representation id="0" mimeType="video/mp4" bandwidth="800000">
                <SegmentTemplate timescale="15360" duration="30720" initialization="init-stream$RepresentationID$.m4s" media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """);
}
