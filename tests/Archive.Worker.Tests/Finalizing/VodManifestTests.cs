using System.Globalization;
using System.Xml.Linq;
using CmafOrigin.Archive.Finalizing;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Finalizing;

public sealed class VodManifestTests(EncodedSource source) : IClassFixture<EncodedSource>, IDisposable
{
    private static readonly XNamespace Dash = "urn:mpeg:dash:schema:mpd:2011";
    private readonly string _directory = Directory.CreateTempSubdirectory("vod-manifests-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mpd_IsAStaticOnDemandMpd_WithARepresentationPerTrack()
    {
        var run = await FinalizeAsync(source.Streams);

        var mpd = XDocument.Parse(System.Text.Encoding.UTF8.GetString(VodManifestWriter.Write(run.Tracks))).Root!;

        Assert.Equal(Dash + "MPD", mpd.Name);
        Assert.Equal("static", (string?)mpd.Attribute("type"));
        Assert.Equal("urn:mpeg:dash:profile:isoff-on-demand:2011", (string?)mpd.Attribute("profiles"));
        Assert.Equal(Duration(source.Audio.Duration), (string?)mpd.Attribute("mediaPresentationDuration"));
        Assert.NotNull(mpd.Attribute("minBufferTime"));
        var sets = mpd.Element(Dash + "Period")!.Elements(Dash + "AdaptationSet").ToList();
        Assert.Equal(["video", "audio"], sets.Select(s => (string?)s.Attribute("contentType")));
        Assert.All(sets, s => Assert.Equal("true", (string?)s.Attribute("segmentAlignment")));
        var video = sets[0].Element(Dash + "Representation")!;
        Assert.Equal(
            ("0", "video/mp4", "avc1.640014", "320", "180", "30/1", "0.mp4"),
            ((string?)video.Attribute("id"), (string?)video.Attribute("mimeType"), (string?)video.Attribute("codecs"), (string?)video.Attribute("width"),
                (string?)video.Attribute("height"), (string?)video.Attribute("frameRate"), (string?)video.Element(Dash + "BaseURL")));
        var audio = sets[1].Element(Dash + "Representation")!;
        Assert.Equal(
            ("1", "audio/mp4", "mp4a.40.2", "48000", "1.mp4"),
            ((string?)audio.Attribute("id"), (string?)audio.Attribute("mimeType"), (string?)audio.Attribute("codecs"),
                (string?)audio.Attribute("audioSamplingRate"), (string?)audio.Element(Dash + "BaseURL")));
        Assert.True((long)video.Attribute("bandwidth")! >= source.Video.Track.Bandwidth);
        Assert.True((long)audio.Attribute("bandwidth")! >= source.Audio.Track.Bandwidth);
    }

    [Fact]
    public async Task Mpd_IndexRangeIsExactlyTheSidx_AndInitializationEndsWhereTheInitEnds()
    {
        var run = await FinalizeAsync(source.Streams);

        var mpd = XDocument.Parse(System.Text.Encoding.UTF8.GetString(VodManifestWriter.Write(run.Tracks)));

        foreach (var representation in mpd.Descendants(Dash + "Representation"))
        {
            var file = await File.ReadAllBytesAsync(run.PathOf((string)representation.Element(Dash + "BaseURL")!), Cancellation);
            var segmentBase = representation.Element(Dash + "SegmentBase")!;
            var (indexFirst, indexLast) = Range((string)segmentBase.Attribute("indexRange")!);
            var (initFirst, initLast) = Range((string)segmentBase.Element(Dash + "Initialization")!.Attribute("range")!);

            var sidx = SidxBox.Parse(file.AsSpan((int)indexFirst, (int)(indexLast - indexFirst + 1)));
            Assert.Equal(sidx.Timescale, (uint)segmentBase.Attribute("timescale")!);
            Assert.Equal(0, initFirst);
            Assert.Equal(["ftyp", "moov"], BoxTypes(file.AsSpan(0, (int)(initLast + 1))));
            Assert.Equal(initLast + 1, indexFirst);
        }
    }

    [Fact]
    public async Task Mpd_EscapesWhatRunJsonHolds()
    {
        var run = await FinalizeAsync([source.Audio]);
        var odd = run.Tracks[0] with { Track = run.Tracks[0].Track with { Id = "a&b<\"c\">", Codecs = "mp4a.40.2'", Language = "en&" } };

        var mpd = XDocument.Parse(System.Text.Encoding.UTF8.GetString(VodManifestWriter.Write([odd])));

        var representation = mpd.Descendants(Dash + "Representation").Single();
        Assert.Equal("a&b<\"c\">", (string?)representation.Attribute("id"));
        Assert.Equal("mp4a.40.2'", (string?)representation.Attribute("codecs"));
        Assert.Equal("en&", (string?)representation.Parent!.Attribute("lang"));
    }

    [Fact]
    public async Task Mpd_IsPlayedThroughByFfmpeg()
    {
        var run = await FinalizeAsync(source.Streams);
        await File.WriteAllBytesAsync(run.PathOf(ArchiveLayout.VodManifest), VodManifestWriter.Write(run.Tracks), Cancellation);

        var (exitCode, _, error) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", run.PathOf(ArchiveLayout.VodManifest), "-map", "0", "-f", "null", "-"], Cancellation);

        Assert.Equal((0, string.Empty), (exitCode, error));
        Assert.Equal(EncodedSource.Seconds, await MediaTool.ProbeAsync(run.PathOf(ArchiveLayout.VodManifest), "format=duration", Cancellation), 0.1);
    }

    [Fact]
    public async Task MediaPlaylist_ByteRangesEachPointAtAFragment_AndTheMapCoversTheInit()
    {
        var run = await FinalizeAsync(source.Streams);

        foreach (var track in run.Tracks)
        {
            var playlist = VodPlaylistWriter.Media(track);

            var lines = playlist.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["#EXTM3U", "#EXT-X-VERSION:7"], lines[..2]);
            Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", lines);
            Assert.Contains("#EXT-X-INDEPENDENT-SEGMENTS", lines);
            Assert.Equal("#EXT-X-ENDLIST", lines[^1]);
            var file = await File.ReadAllBytesAsync(run.PathOf(track.FileName), Cancellation);
            var map = lines.Single(l => l.StartsWith("#EXT-X-MAP:", StringComparison.Ordinal));
            var initLength = long.Parse(map.Split("BYTERANGE=\"")[1].Split('@')[0], CultureInfo.InvariantCulture);
            Assert.Equal($"#EXT-X-MAP:URI=\"{track.FileName}\",BYTERANGE=\"{initLength}@0\"", map);
            Assert.Equal(["ftyp", "moov"], BoxTypes(file.AsSpan(0, (int)initLength)));

            var entries = Entries(lines);
            Assert.All(entries, e => Assert.True(TypeAt(file, e.Offset) is "styp" or "prft" or "moof", $"{TypeAt(file, e.Offset)} at {e.Offset}"));
            Assert.All(entries, e => Assert.Equal(track.FileName, e.Uri));
            Assert.Equal(file.Length, entries[^1].Offset + entries[^1].Length);
            Assert.All(entries.Zip(entries.Skip(1)), p => Assert.Equal(p.First.Offset + p.First.Length, p.Second.Offset));
            Assert.Equal(track.Duration, entries.Sum(e => e.Duration), 0.0001);
            var target = long.Parse(lines.Single(l => l.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))[22..], CultureInfo.InvariantCulture);
            Assert.Equal((long)Math.Ceiling(entries.Max(e => e.Duration)), target);
        }
    }

    [Fact]
    public async Task MediaPlaylist_WithAMissingSegment_CountsTheGapInTheSegmentBefore()
    {
        var missing = source.Video.Segments[2].Number;
        var run = await FinalizeAsync([source.Video], s => s.Number != missing);

        var entries = Entries(VodPlaylistWriter.Media(run.Tracks[0]).Split('\n'));

        var segments = source.Video.Segments;
        Assert.Equal(segments.Count - 1, entries.Count);
        Assert.Equal((double)(segments[3].DecodeTime - segments[1].DecodeTime) / source.Video.Track.Timescale, entries[1].Duration, 0.00001);
        Assert.Equal(source.Video.Duration, entries.Sum(e => e.Duration), 0.0001);
        Assert.Equal(segments[3].Bytes.Length, entries[2].Length);
    }

    [Fact]
    public async Task MultivariantPlaylist_GivesEachVideoTheAudioGroup_WithCodecsResolutionAndFrameRate()
    {
        var run = await FinalizeAsync(source.Streams);

        var lines = VodPlaylistWriter.Multivariant(run.Tracks).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"], lines[..3]);
        Assert.Equal("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"1\",DEFAULT=YES,AUTOSELECT=YES,URI=\"1.m3u8\"", lines[3]);
        var streamInf = Attributes(lines[4]);
        Assert.Equal(("\"avc1.640014,mp4a.40.2\"", "320x180", "30.000", "\"audio\""), (streamInf["CODECS"], streamInf["RESOLUTION"], streamInf["FRAME-RATE"], streamInf["AUDIO"]));
        Assert.Equal("0.m3u8", lines[5]);
        Assert.Equal(6, lines.Length);

        // BANDWIDTH is the peak: at least what the encoder declared and what any (whole) segment carries, video plus audio.
        var bandwidth = long.Parse(streamInf["BANDWIDTH"], CultureInfo.InvariantCulture);
        Assert.True(bandwidth >= source.Video.Track.Bandwidth + source.Audio.Track.Bandwidth, $"BANDWIDTH={bandwidth}");
        Assert.True(bandwidth >= PeakRate(source.Video) + PeakRate(source.Audio), $"BANDWIDTH={bandwidth}");
        Assert.True(long.Parse(streamInf["AVERAGE-BANDWIDTH"], CultureInfo.InvariantCulture) <= bandwidth);
    }

    [Fact]
    public async Task MultivariantPlaylist_WithoutVideo_GivesEachAudioTrackAStreamInf()
    {
        var run = await FinalizeAsync([source.Audio]);

        var lines = VodPlaylistWriter.Multivariant(run.Tracks).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.DoesNotContain(lines, l => l.StartsWith("#EXT-X-MEDIA", StringComparison.Ordinal));
        var streamInf = Attributes(lines.Single(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)));
        Assert.Equal("\"mp4a.40.2\"", streamInf["CODECS"]);
        Assert.False(streamInf.ContainsKey("AUDIO"));
        Assert.Equal("1.m3u8", lines[^1]);
    }

    [Fact]
    public async Task Playlists_ArePlayedThroughByFfmpeg()
    {
        var run = await FinalizeAsync(source.Streams);
        await File.WriteAllTextAsync(run.PathOf(ArchiveLayout.VodMultivariantPlaylist), VodPlaylistWriter.Multivariant(run.Tracks), Cancellation);
        foreach (var track in run.Tracks)
        {
            await File.WriteAllTextAsync(run.PathOf(VodPlaylistWriter.MediaPlaylistName(track)), VodPlaylistWriter.Media(track), Cancellation);
        }

        var master = run.PathOf(ArchiveLayout.VodMultivariantPlaylist);
        var (exitCode, _, error) = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-i", master, "-map", "0", "-f", "null", "-"], Cancellation);

        Assert.Equal((0, string.Empty), (exitCode, error));
        Assert.Equal(EncodedSource.Seconds, await MediaTool.ProbeAsync(master, "format=duration", Cancellation), 0.1);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<FinalRun> FinalizeAsync(IEnumerable<EncodedTrack> streams, Func<EncodedSegment, bool>? archived = null) =>
        FinalRun.CreateAsync(Directory.CreateDirectory(Path.Combine(_directory, Guid.NewGuid().ToString("N"))).FullName, streams, archived, Cancellation);

    private static List<HlsEntry> Entries(IEnumerable<string> lines)
    {
        var entries = new List<HlsEntry>();
        double? duration = null;
        (long Length, long Offset)? range = null;
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                duration = double.Parse(line[8..line.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-BYTERANGE:", StringComparison.Ordinal))
            {
                var parts = line[17..].Split('@');
                range = (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            else if (!line.StartsWith('#'))
            {
                Assert.True(duration is not null && range is not null, $"{line} comes without EXTINF and EXT-X-BYTERANGE");
                entries.Add(new HlsEntry(duration.Value, range.Value.Length, range.Value.Offset, line));
                (duration, range) = (null, null);
            }
        }

        return entries;
    }

    /// <summary>The attributes of a tag line; quoted values keep their quotes (a CODECS list holds commas).</summary>
    private static Dictionary<string, string> Attributes(string line)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        while (rest.Length > 0)
        {
            var equals = rest.IndexOf('=', StringComparison.Ordinal);
            var name = rest[..equals];
            rest = rest[(equals + 1)..];
            var end = rest.StartsWith('"') ? rest.IndexOf('"', 1) + 1 : rest.IndexOf(',', StringComparison.Ordinal) is var comma and >= 0 ? comma : rest.Length;
            attributes[name] = rest[..end];
            rest = end < rest.Length ? rest[(end + 1)..] : string.Empty;
        }

        return attributes;
    }

    /// <summary>The highest bit rate of the stream's segments but its last (cut short where the encoder stopped).</summary>
    private static double PeakRate(EncodedTrack stream) =>
        stream.Segments.Zip(stream.Segments.Skip(1)).Max(p => p.First.Bytes.Length * 8.0 * stream.Track.Timescale / (p.Second.DecodeTime - p.First.DecodeTime));

    private static (long First, long Last) Range(string value)
    {
        var parts = value.Split('-');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The types of the boxes <paramref name="data"/> is made of; fails unless they end exactly at its end.</summary>
    private static List<string> BoxTypes(ReadOnlySpan<byte> data)
    {
        var types = new List<string>();
        while (data.Length > 0)
        {
            Assert.True(Mp4Box.TryReadHeader(data, out _, out var size, out _), "a box header");
            types.Add(System.Text.Encoding.ASCII.GetString(data[4..8]));
            Assert.True(size <= data.Length, $"{types[^1]} of {size} bytes overruns the range");
            data = data[(int)size..];
        }

        return types;
    }

    private static string TypeAt(byte[] file, long offset) => System.Text.Encoding.ASCII.GetString(file, (int)offset + 4, 4);

    private static string Duration(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"PT{Math.Round(seconds, 3):0.###}S");
}
