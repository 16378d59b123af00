using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CmafOrigin.Bench.Recording;

/// <summary>
/// Makes the recording once: ffmpeg encodes a test picture and tone to low-latency chunked CMAF in real time (-re)
/// and pushes it with its DASH muxer (PUT, chunked, one long request per segment) to a <see cref="RecordingServer"/>.
/// The ladder: 1280x720 at 3 Mbit/s, 854x480 at 1.2 Mbit/s, 640x360 at 0.6 Mbit/s (CBR, so the bitrate is real
/// even for an easy test picture), AAC 128 kbit/s; 2 s segments of 0.5 s fragments, as in the README.
/// </summary>
internal static partial class FfmpegRecorder
{
    /// <summary>(width, height, kbit/s) of the video renditions, DASH streams 0..2; audio is stream 3.</summary>
    private static readonly (int Width, int Height, int Kbps)[] Ladder = [(1280, 720, 3000), (854, 480, 1200), (640, 360, 600)];

    public static string CacheName(TimeSpan duration) =>
        $"recording-ladder3-{duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s";

    public static async Task<StreamRecording> RecordAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var server = new RecordingServer();
        server.Start();
        var seconds = duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        List<string> args =
        [
            "-hide_banner", "-nostats", "-loglevel", "warning",
            "-re", "-t", seconds, "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
            "-re", "-t", seconds, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-map", "0:v", "-map", "0:v", "-map", "0:v", "-map", "1:a",
        ];
        for (var i = 0; i < Ladder.Length; i++)
        {
            var (width, height, kbps) = Ladder[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            var rate = $"{kbps.ToString(CultureInfo.InvariantCulture)}k";
            var buffer = $"{(kbps / 2).ToString(CultureInfo.InvariantCulture)}k";
            args.AddRange([$"-s:v:{n}", $"{width}x{height}", $"-b:v:{n}", rate, $"-minrate:v:{n}", rate, $"-maxrate:v:{n}", rate, $"-bufsize:v:{n}", buffer]);
        }

        args.AddRange(
        [
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-x264-params", "nal-hrd=cbr",
            "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", "128k",
            "-f", "dash", "-seg_duration", "2", "-frag_duration", "0.5", "-frag_type", "duration",
            "-streaming", "1", "-ldash", "1", "-window_size", "3", "-extra_window_size", "3", "-remove_at_exit", "0",
            "-use_timeline", "0", "-use_template", "1", "-method", "PUT", "-http_persistent", "1", "-index_correction", "1",
            "-target_latency", "1.5", "-utc_timing_url", "http://127.0.0.1:5001/time", "-adaptation_sets", "id=0,streams=v id=1,streams=a",
            $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/live/rec/out.mpd",
        ]);

        var start = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Console.WriteLine($"Recording {seconds} s of a live CMAF ladder with ffmpeg (real time)...");
        using var ffmpeg = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start (apt-get install -y ffmpeg)");
        try
        {
            await ffmpeg.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill(entireProcessTree: true);
            }
        }

        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg exited with {ffmpeg.ExitCode}");
        }

        await server.DisposeAsync();
        return Build(server.Objects, string.Join(' ', args.Take(args.Count - 1)));
    }

    private static StreamRecording Build(List<RecordedObject> objects, string command)
    {
        var puts = objects.Where(o => o.Complete && o.Method is "PUT" or "POST").ToList();
        // The live manifest, not the static one ffmpeg writes as it stops: replayed as is, that one would tell the
        // origin at every re-PUT that the stream has ended.
        var manifest = puts.LastOrDefault(o => o.Path.EndsWith("out.mpd", StringComparison.Ordinal) && StreamRecording.IsLiveManifest(Concatenate(o)))
            ?? throw new InvalidDataException("ffmpeg uploaded no live (dynamic) manifest");
        var renditions = new List<RecordedRendition>();
        for (var stream = 0; stream < Ladder.Length + 1; stream++)
        {
            var init = puts.LastOrDefault(o => o.Path.EndsWith($"init-stream{stream.ToString(CultureInfo.InvariantCulture)}.m4s", StringComparison.Ordinal))
                ?? throw new InvalidDataException($"ffmpeg uploaded no init segment for stream {stream}");
            var segments = puts
                .Select(o => (Object: o, Match: SegmentPath().Match(o.Path)))
                .Where(x => x.Match.Success && int.Parse(x.Match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) == stream)
                .OrderBy(x => long.Parse(x.Match.Groups[2].ValueSpan, CultureInfo.InvariantCulture))
                .Select(x => x.Object)
                .ToList();
            // The first segment carries the encoder's start-up, the last its shutdown: keep the steady ones between.
            var steady = segments.Skip(1).SkipLast(1).Where(s => s.Chunks.Count >= 2).ToList();
            if (steady.Count == 0)
            {
                throw new InvalidDataException($"no steady segments recorded for stream {stream}: record for longer");
            }

            var description = stream < Ladder.Length
                ? $"video {Ladder[stream].Width}x{Ladder[stream].Height} {Ladder[stream].Kbps} kbit/s"
                : "audio AAC 128 kbit/s";
            renditions.Add(new RecordedRendition(
                stream,
                description,
                Concatenate(init),
                [.. steady.Select(s => new SegmentTemplate(Concatenate(s), [.. s.Chunks.Select(c => c.Data.Length)], [.. s.Chunks.Select(c => c.Offset)]))]));
        }

        return new StreamRecording
        {
            SegmentDuration = TimeSpan.FromSeconds(2),
            Renditions = renditions,
            Manifest = Concatenate(manifest),
            Source = $"ffmpeg {command}",
        };
    }

    private static byte[] Concatenate(RecordedObject recorded) => [.. recorded.Chunks.SelectMany(c => c.Data)];

    [GeneratedRegex(@"chunk-stream(\d+)-(\d+)\.m4s$")]
    private static partial Regex SegmentPath();
}
