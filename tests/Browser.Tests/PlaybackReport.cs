using System.Globalization;
using System.Text;

namespace CmafOrigin.Browser.Tests;

/// <summary>What a page did while it played: its samples, the player's errors and the media requests that failed.</summary>
internal sealed record PlaybackReport(
    IReadOnlyList<PlaybackSample> Samples,
    IReadOnlyList<string> PlayerErrors,
    IReadOnlyList<string> MediaFailures,
    IReadOnlyList<string> ConsoleErrors)
{
    public int Stalls => Samples[^1].Stalls;

    /// <summary>How far the video advanced over the recording, s.</summary>
    public double Advance => Samples[^1].CurrentTime - Samples[0].CurrentTime;

    public TimeSpan Duration => Samples[^1].At - Samples[0].At;

    /// <summary>The latencies sampled once the player had <paramref name="warmUp"/> to settle.</summary>
    public IReadOnlyList<double> LatenciesAfter(TimeSpan warmUp) =>
        [.. Samples.Where(sample => sample.At >= warmUp).Select(sample => sample.Latency ?? double.NaN)];

    /// <summary>The video bitrates played, one entry per switch: <c>400k, 150k, 400k</c> went down and back up.</summary>
    public IReadOnlyList<double> Bitrates
    {
        get
        {
            var played = new List<double>();
            foreach (var bitrate in Samples.Select(sample => sample.Bitrate).OfType<double>())
            {
                if (played.Count == 0 || played[^1] != bitrate)
                {
                    played.Add(bitrate);
                }
            }

            return played;
        }
    }

    /// <summary>
    /// Played like live TV: the picture moved on at every sample and by at least <paramref name="minimumAdvance"/>
    /// seconds in all; no stall, no player error, no failed media request; after <paramref name="warmUp"/>
    /// the latency stayed at or below <paramref name="maximumLatency"/>.
    /// </summary>
    public void AssertSmooth(double maximumLatency, TimeSpan warmUp, double minimumAdvance)
    {
        Assert.True(MediaFailures.Count == 0, $"media requests failed:\n{string.Join('\n', MediaFailures)}\n{Timeline()}");
        Assert.True(PlayerErrors.Count == 0, $"dash.js reported errors:\n{string.Join('\n', PlayerErrors)}\n{Timeline()}");
        Assert.True(Stalls == 0, $"playback stalled {Stalls} time(s) after it started.\n{Timeline()}");
        for (var i = 1; i < Samples.Count; i++)
        {
            Assert.True(
                Samples[i].CurrentTime > Samples[i - 1].CurrentTime,
                $"the video did not move on between {Seconds(Samples[i - 1].At)} and {Seconds(Samples[i].At)}.\n{Timeline()}");
        }

        Assert.True(Advance >= minimumAdvance, $"the video advanced {Advance:0.00} s in {Seconds(Duration)}, expected at least {minimumAdvance} s.\n{Timeline()}");
        var latencies = LatenciesAfter(warmUp);
        Assert.NotEmpty(latencies);
        Assert.True(
            latencies.All(latency => latency <= maximumLatency),
            $"the latency went over {maximumLatency} s after the first {Seconds(warmUp)}.\n{Timeline()}");
    }

    /// <summary>One line for the test output: latency min/median/max, advance, stalls, bitrates, failures.</summary>
    public string Summary(TimeSpan warmUp)
    {
        var latencies = LatenciesAfter(warmUp).Where(double.IsFinite).Order().ToList();
        var latency = latencies.Count == 0
            ? "no latency samples"
            : string.Create(CultureInfo.InvariantCulture,
                $"latency after {Seconds(warmUp)} min/median/max {latencies[0]:0.00}/{latencies[latencies.Count / 2]:0.00}/{latencies[^1]:0.00} s ({latencies.Count} samples)");
        return string.Create(CultureInfo.InvariantCulture,
            $"{latency}; advanced {Advance:0.00} s in {Seconds(Duration)}; stalls {Stalls}; " +
            $"video bitrates {string.Join(" → ", Bitrates.Select(bitrate => $"{bitrate / 1000:0}k"))}; " +
            $"player errors {PlayerErrors.Count}; failed media requests {MediaFailures.Count}; console errors {ConsoleErrors.Count}");
    }

    /// <summary>Every sample, one per line, for a failure message or the test output.</summary>
    public string Timeline()
    {
        var text = new StringBuilder("    at   currentTime  latency  buffer  rate   bitrate  height  stalls  errors\n");
        foreach (var sample in Samples)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{sample.At.TotalSeconds,6:0.0} {sample.CurrentTime,12:0.000} {Format(sample.Latency),8} {Format(sample.Buffer),7} {sample.Rate,5:0.00} " +
                $"{(sample.Bitrate is { } bitrate ? $"{bitrate / 1000:0}k" : "-"),9} {sample.Height?.ToString(CultureInfo.InvariantCulture) ?? "-",7} {sample.Stalls,7} {sample.Errors,7}\n");
        }

        foreach (var line in ConsoleErrors.Take(20))
        {
            text.Append("console: ").Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
