using System.Buffers.Binary;
using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Finalizing;

public sealed class TrackFinalizerTests(EncodedSource source) : IClassFixture<EncodedSource>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("track-finalizer-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FinalizeAsync_GivesFfprobeTheSourceDuration_ForVideoAndAudio()
    {
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var duration = await MediaTool.ProbeAsync(Path.Combine(final.RunDirectory, final.Track.FileName), "format=duration", Cancellation);
            Assert.InRange(duration, EncodedSource.Seconds - 2, EncodedSource.Seconds + 2);
            Assert.Equal(stream.Duration, final.Track.Duration, 9);
        }
    }

    [Fact]
    public async Task FinalizeAsync_GivesTheDurationToAReaderThatCannotSeek_WhereTheLiveFileGaveNone()
    {
        // Read front to back (a pipe, a progressive download), the duration cannot come from scanning every fragment.
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var duration = await MediaTool.ProbeAsync(Path.Combine(final.RunDirectory, final.Track.FileName), "format=duration", Cancellation, piped: true);
            var liveDuration = await MediaTool.ProbeAsync(Path.Combine(final.RunDirectory, ArchiveLayout.LiveTrackFile(stream.Track.Id)), "format=duration", Cancellation, piped: true);
            Assert.Equal(stream.Duration, duration, 0.001);
            Assert.True(liveDuration < stream.Duration - 2, $"the live file read as a stream gave {liveDuration} s");
        }
    }

    [Fact]
    public async Task FinalizeAsync_WritesFilesFfmpegDecodesWithoutASingleError()
    {
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var (exitCode, _, error) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", Path.Combine(final.RunDirectory, final.Track.FileName), "-f", "null", "-"], Cancellation);
            Assert.Equal(string.Empty, error);
            Assert.Equal(0, exitCode);
        }
    }

    [Fact]
    public async Task FinalizeAsync_KeepsEveryVideoFrameTheSegmentsHold()
    {
        var final = await FinalizeAsync(source.Video);

        var live = await CountFramesAsync(Path.Combine(final.RunDirectory, ArchiveLayout.LiveTrackFile(source.Video.Track.Id)));
        var frames = await CountFramesAsync(Path.Combine(final.RunDirectory, final.Track.FileName));
        Assert.Equal(EncodedSource.Seconds * EncodedSource.FrameRate, live);
        Assert.Equal(live, frames);
    }

    [Fact]
    public async Task FinalizeAsync_CopiesEverySegmentByteForByte_AtTheRangesItReturns()
    {
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var file = await File.ReadAllBytesAsync(Path.Combine(final.RunDirectory, final.Track.FileName), Cancellation);
            Assert.Equal(file.Length, final.Track.FileSize);
            Assert.Equal(stream.Segments.Count, final.Track.Segments.Count);
            for (var i = 0; i < stream.Segments.Count; i++)
            {
                var range = final.Track.Segments[i].Range;
                Assert.True(stream.Segments[i].Bytes.AsSpan().SequenceEqual(file.AsSpan((int)range.Offset, (int)range.Length)), $"segment {stream.Segments[i].Name}");
            }

            Assert.Equal(final.Track.Index.End, final.Track.Segments[0].Range.Offset);
            Assert.Equal(file.Length, final.Track.Segments[^1].Range.End);
        }
    }

    [Fact]
    public async Task FinalizeAsync_GivesTheInitTheDuration_KeepingEveryOtherBoxByteForByte()
    {
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var file = await File.ReadAllBytesAsync(Path.Combine(final.RunDirectory, final.Track.FileName), Cancellation);
            var init = file.AsSpan(0, (int)final.Track.Init.Length);
            Assert.True(Mp4Box.TryFindChild(init, Mp4Box.Moov, out var moov));
            Assert.True(Mp4Box.TryFindChild(stream.Init, Mp4Box.Moov, out var sourceMoov));
            Assert.True(Mp4Box.TryFindChild(moov, 0x6d766864, out var mvhd)); // mvhd
            var movieTimescale = BinaryPrimitives.ReadUInt32BigEndian(mvhd[12..]);
            var expected = (long)Math.Ceiling(stream.Duration * movieTimescale);
            Assert.Equal(expected, BinaryPrimitives.ReadUInt32BigEndian(mvhd[16..]));
            Assert.True(Mp4Box.TryFindChild(moov, Mp4Box.Mvex, out var mvex));
            Assert.True(Mp4Box.TryFindChild(mvex, 0x6d656864, out var mehd)); // mehd
            Assert.Equal((ulong)expected, BinaryPrimitives.ReadUInt64BigEndian(mehd[4..]));

            // ftyp and the trak are as the encoder wrote them; only mvhd's duration, mvex's mehd and the sizes around it changed.
            Assert.True(init[..28].SequenceEqual(stream.Init.AsSpan(0, 28)));
            Assert.True(Mp4Box.TryFindChild(moov, Mp4Box.Trak, out var trak));
            Assert.True(Mp4Box.TryFindChild(sourceMoov, Mp4Box.Trak, out var sourceTrak));
            Assert.True(trak.SequenceEqual(sourceTrak));
            Assert.Equal(stream.Init.Length + 20, init.Length);
        }
    }

    [Fact]
    public async Task FinalizeAsync_WritesASidxWhoseReferencesAreTheSegments()
    {
        foreach (var stream in source.Streams)
        {
            var final = await FinalizeAsync(stream);

            var file = await File.ReadAllBytesAsync(Path.Combine(final.RunDirectory, final.Track.FileName), Cancellation);
            var sidx = SidxBox.Parse(file.AsSpan((int)final.Track.Index.Offset, (int)final.Track.Index.Length));
            var cmaf = CmafTrack.TryParse(stream.Init, out _)!;
            Assert.Equal(cmaf.TrackId, sidx.ReferenceId);
            Assert.Equal(cmaf.Timescale, sidx.Timescale);
            Assert.Equal((ulong)stream.Segments[0].DecodeTime, sidx.EarliestPresentationTime);
            Assert.Equal(0UL, sidx.FirstOffset);
            Assert.Equal(stream.Segments.Select(s => (uint)s.Bytes.Length), sidx.References.Select(r => r.ReferencedSize));
            Assert.Equal(file.Length - final.Track.Index.End, sidx.References.Sum(r => r.ReferencedSize));
            Assert.Equal(stream.Segments[^1].DecodeTime + stream.Segments[^1].Duration - stream.Segments[0].DecodeTime, sidx.References.Sum(r => r.SubsegmentDuration));
            Assert.All(sidx.References, r => Assert.Equal((0, true, 1), (r.ReferenceType, r.StartsWithSap, r.SapType)));
        }
    }

    [Fact]
    public async Task FinalizeAsync_JournalWithAMissingSegment_AbsorbsTheGapInTheSegmentBefore()
    {
        foreach (var stream in source.Streams)
        {
            var missing = stream.Segments[2];
            var final = await FinalizeAsync(stream, archived: s => s.Number != missing.Number);

            var path = Path.Combine(final.RunDirectory, final.Track.FileName);
            var (exitCode, _, error) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"], Cancellation);
            Assert.Equal((0, string.Empty), (exitCode, error));
            var file = await File.ReadAllBytesAsync(path, Cancellation);
            var sidx = SidxBox.Parse(file.AsSpan((int)final.Track.Index.Offset, (int)final.Track.Index.Length));
            Assert.Equal(stream.Segments.Count - 1, sidx.References.Count);
            Assert.Equal(stream.Segments[3].DecodeTime - stream.Segments[1].DecodeTime, sidx.References[1].SubsegmentDuration);
            Assert.Equal(stream.Segments[^1].DecodeTime + stream.Segments[^1].Duration - stream.Segments[0].DecodeTime, sidx.References.Sum(r => r.SubsegmentDuration));
            Assert.Equal(stream.Duration, final.Track.Duration, 9);
            Assert.Equal(stream.Duration, final.Track.Segments.Sum(s => s.Seconds), 9);
        }
    }

    [Fact]
    public async Task FinalizeAsync_JournalOffsetPastTheEndOfTheLiveFile_ThrowsNamingTheSegment_AndWritesNoFile()
    {
        var runDirectory = CreateRun(source.Video, journal: (_, lines) => [.. lines[..^1], lines[^1] with { Offset = lines[^1].Offset + 1000 }]);

        var exception = await Assert.ThrowsAsync<InvalidArchiveException>(() => FinalizeAsync(runDirectory));

        Assert.Contains($"Track '{source.Video.Track.Id}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(source.Video.Segments[^1].Name, exception.Message, StringComparison.Ordinal);
        Assert.Contains("not within the live file", exception.Message, StringComparison.Ordinal);
        Assert.Empty(FinalFiles(runDirectory));
    }

    [Fact]
    public async Task FinalizeAsync_SegmentNotStartingWithAFragment_ThrowsNamingTheBoxItFound()
    {
        // The second segment's journal line points at its first mdat, as a runtime off by a moof would write it.
        var segment = source.Video.Segments[1];
        var mdat = MdatOffset(segment.Bytes);
        var runDirectory = CreateRun(source.Video, journal: (_, lines) => [.. lines.Select(l => l.Number == segment.Number ? l with { Offset = l.Offset + mdat, Size = l.Size - mdat } : l)]);

        var exception = await Assert.ThrowsAsync<InvalidArchiveException>(() => FinalizeAsync(runDirectory));

        Assert.Contains($"{segment.Name} (number {segment.Number}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'mdat'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalizeAsync_DecodeTimesGoingBackwards_Throws()
    {
        var runDirectory = CreateRun(source.Audio, journal: (_, lines) => [lines[0], lines[2], lines[1], .. lines[3..]]);

        var exception = await Assert.ThrowsAsync<InvalidArchiveException>(() => FinalizeAsync(runDirectory));

        Assert.Contains("does not come after the previous segment's", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalizeAsync_JournalDecodeTimeThatIsNotTheSegmentsTfdt_ThrowsAndLeavesNoHalfWrittenFile()
    {
        // The journal's decode time must be the moof's: the sidx is made of the journal, the players read the tfdt.
        var runDirectory = CreateRun(source.Audio, journal: (_, lines) => [.. lines[..^1], lines[^1] with { DecodeTime = lines[^1].DecodeTime + 1 }]);

        var exception = await Assert.ThrowsAsync<InvalidArchiveException>(() => FinalizeAsync(runDirectory));

        // Found while copying: the file half written beside the final name is removed.
        Assert.Contains("its tfdt is", exception.Message, StringComparison.Ordinal);
        Assert.Empty(FinalFiles(runDirectory));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(string RunDirectory, FinalTrack Track)> FinalizeAsync(EncodedTrack stream, Func<EncodedSegment, bool>? archived = null)
    {
        var runDirectory = CreateRun(stream, archived);
        return (runDirectory, await FinalizeAsync(runDirectory));
    }

    private string CreateRun(
        EncodedTrack stream,
        Func<EncodedSegment, bool>? archived = null,
        Func<EncodedTrack, List<ArchivedSegment>, List<ArchivedSegment>>? journal = null) =>
        LiveRun.Create(Directory.CreateDirectory(Path.Combine(_directory, Guid.NewGuid().ToString("N"))).FullName, [stream], archived, journal);

    private static async Task<FinalTrack> FinalizeAsync(string runDirectory)
    {
        var track = ArchiveFiles.ReadRun(runDirectory)!.Tracks[0];
        var lines = ArchiveFiles.ReadJournal(Path.Combine(runDirectory, ArchiveLayout.Journal(track.Id)));
        return await TrackFinalizer.FinalizeAsync(runDirectory, track, lines, Cancellation);
    }

    /// <summary>Every file of the run directory but its live ones.</summary>
    private static IEnumerable<string> FinalFiles(string runDirectory) =>
        Directory.GetFiles(runDirectory).Select(f => Path.GetFileName(f)!).Where(f => !f.EndsWith(".part", StringComparison.Ordinal) && !f.EndsWith(".journal", StringComparison.Ordinal) && f != ArchiveLayout.RunFile);

    private static async Task<double> CountFramesAsync(string file) =>
        await MediaTool.ProbeAsync(file, "stream=nb_read_frames", Cancellation, piped: false, "-count_frames", "-select_streams", "v:0");

    /// <summary>Where the first mdat of a segment starts.</summary>
    private static int MdatOffset(byte[] segment)
    {
        var at = 0;
        while (Mp4Box.TryReadHeader(segment.AsSpan(at), out var type, out var size, out _) && type != Mp4Box.Mdat)
        {
            at += (int)size;
        }

        return at;
    }
}
