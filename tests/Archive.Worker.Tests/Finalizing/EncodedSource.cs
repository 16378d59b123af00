using System.Globalization;
using System.Xml.Linq;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Finalizing;

/// <summary>
/// 12 s of real low-latency CMAF from ffmpeg (320x180 H.264 at 30 fps in 2 s segments of 0.5 s chunks, AAC at 48 kHz),
/// encoded once per test class, as fast as it can (no -re), read back the way the archive runtime reads uploads.
/// </summary>
public sealed class EncodedSource : IAsyncLifetime
{
    public const double Seconds = 12;
    public const int FrameRate = 30;

    private readonly string _directory = Directory.CreateTempSubdirectory("finalizing-source-").FullName;

    public EncodedTrack Video { get; private set; } = null!;

    public EncodedTrack Audio { get; private set; } = null!;

    public IReadOnlyList<EncodedTrack> Streams => [Video, Audio];

    public async ValueTask InitializeAsync()
    {
        string[] arguments =
        [
            "-v", "error", "-f", "lavfi", "-i", $"testsrc2=size=320x180:rate={FrameRate}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
            "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "500k", "-c:a", "aac", "-b:a", "64k",
            "-f", "dash", "-seg_duration", "2", "-frag_duration", "0.5", "-frag_type", "duration", "-streaming", "1", "-ldash", "1",
            "-use_template", "1", "-use_timeline", "0", "-window_size", "0", "-adaptation_sets", "id=0,streams=v id=1,streams=a",
            Path.Combine(_directory, "out.mpd"),
        ];
        await using var ffmpeg = FfmpegProcess.Start(arguments);
        var exitCode = await ffmpeg.WaitForExitAsync(TimeSpan.FromSeconds(120), CancellationToken.None);
        Assert.True(exitCode == 0, ffmpeg.Describe());

        var representations = ReadRepresentations(Path.Combine(_directory, "out.mpd"));
        Video = ReadStream(representations.Single(t => t.ContentType == "video"));
        Audio = ReadStream(representations.Single(t => t.ContentType == "audio"));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The tracks as the live MPD describes them, as the archive runtime records them in run.json.</summary>
    private static List<ArchiveTrack> ReadRepresentations(string mpd)
    {
        XNamespace dash = "urn:mpeg:dash:schema:mpd:2011";
        var tracks = new List<ArchiveTrack>();
        foreach (var set in XDocument.Load(mpd).Descendants(dash + "AdaptationSet"))
        {
            foreach (var representation in set.Elements(dash + "Representation"))
            {
                tracks.Add(new ArchiveTrack
                {
                    Id = (string)representation.Attribute("id")!,
                    ContentType = (string)set.Attribute("contentType")!,
                    MimeType = (string)representation.Attribute("mimeType")!,
                    Codecs = (string)representation.Attribute("codecs")!,
                    Bandwidth = (long)representation.Attribute("bandwidth")!,
                    Width = (int?)representation.Attribute("width") ?? 0,
                    Height = (int?)representation.Attribute("height") ?? 0,
                    FrameRate = (string?)set.Attribute("frameRate") ?? string.Empty,
                    AudioSamplingRate = (int?)representation.Attribute("audioSamplingRate") ?? 0,
                });
            }
        }

        return tracks;
    }

    private EncodedTrack ReadStream(ArchiveTrack track)
    {
        var initName = $"init-stream{track.Id}.m4s";
        var init = File.ReadAllBytes(Path.Combine(_directory, initName));
        var cmaf = CmafTrack.TryParse(init, out var error) ?? throw new InvalidOperationException(error);
        var segments = new List<EncodedSegment>();
        foreach (var path in Directory.GetFiles(_directory, $"chunk-stream{track.Id}-*.m4s").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            var parser = new CmafChunkParser(cmaf);
            var parts = new List<CmafPart>();
            Assert.True(parser.Push(bytes, parts) && parser.Finish(), parser.Error);
            var name = Path.GetFileName(path);
            var number = long.Parse(name[(name.LastIndexOf('-') + 1)..^4], CultureInfo.InvariantCulture);
            segments.Add(new EncodedSegment(name, number, bytes, parts[0].DecodeTime, parts.Sum(p => p.Duration), parts[0].Independent));
        }

        Assert.True(segments.Count >= 5, $"ffmpeg wrote {segments.Count} segments of stream {track.Id}");
        return new EncodedTrack(track with { Timescale = cmaf.Timescale, InitName = initName, InitSize = init.Length }, init, segments);
    }
}
