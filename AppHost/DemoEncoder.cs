using System.Diagnostics;

namespace CmafOrigin.AppHost;

/// <summary>
/// <c>--demo</c>: ffmpeg pushing a test pattern as two video renditions (640x360 and 384x216, 30 fps,
/// sized for two CPU cores) and one audio track, so there is something to play at once.
/// </summary>
internal static class DemoEncoder
{
    public const string Name = "ffmpeg";

    public static ProcessStartInfo CreateStartInfo(Wiring wiring)
    {
        var ffmpeg = Executable.Require("ffmpeg", "ffmpeg");
        string[] arguments =
        [
            // Warnings only: at info level the DASH muxer logs every upload it opens.
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning",
            .. EncoderCommand.TestSourceInputs("640x360").SelectMany(line => line),
            // 384x216, not 426x240: exactly 16:9 with square pixels, and the DASH muxer refuses
            // renditions of one adaptation set whose aspect ratios differ even slightly.
            "-filter_complex", "[0:v]split=2[v360][v];[v]scale=384:216[v216]",
            "-map", "[v360]", "-map", "[v216]", "-map", "1:a",
            .. EncoderCommand.VideoCodec, "-pix_fmt", "yuv420p",
            "-b:v:0", "800k", "-b:v:1", "400k",
            .. EncoderCommand.AudioCodec,
            .. EncoderCommand.DashOutput(wiring).SelectMany(line => line),
        ];

        var startInfo = new ProcessStartInfo(ffmpeg);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }
}
