using System.Globalization;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>ffmpeg as a DASH player: a new viewer of a live manifest on Delivery.</summary>
internal static class DashClient
{
    /// <summary>
    /// Reads <paramref name="manifest"/> and decodes 5 s of every stream; returns the media time it decoded, µs, having
    /// asserted (with ffmpeg's log) a clean exit, no error logged and at least 4 s decoded.
    /// </summary>
    public static async Task<long> DecodesAsync(Uri manifest, CancellationToken cancellationToken)
    {
        await using var player = FfmpegProcess.Start(
        [
            "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-progress", "pipe:1",
            // A network timeout, so a player orphaned by a crashed test host cannot hang on forever.
            "-rw_timeout", "10000000",
            "-i", manifest.AbsoluteUri,
            "-map", "0", "-t", "5", "-f", "null", "-",
        ]);

        var exitCode = await player.WaitForExitAsync(TimeSpan.FromSeconds(45), cancellationToken);

        Assert.True(exitCode == 0, $"ffmpeg exited with {exitCode}.\n{player.Describe()}");
        Assert.True(player.ErrorLines.Count == 0, $"ffmpeg logged errors.\n{player.Describe()}");
        var progress = player.OutputLines;
        Assert.Contains("progress=end", progress);
        var decoded = progress
            .Where(line => line.StartsWith("out_time_us=", StringComparison.Ordinal))
            .Select(line => long.TryParse(line["out_time_us=".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) ? us : 0)
            .DefaultIfEmpty(0)
            .Max();
        Assert.True(decoded >= 4_000_000, $"ffmpeg decoded only {decoded / 1e6:0.00} s of {manifest}.\n{player.Describe()}");
        return decoded;
    }
}
