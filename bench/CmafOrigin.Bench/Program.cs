using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CmafOrigin.Bench;
using CmafOrigin.Bench.Recording;
using CmafOrigin.Bench.Scenarios;

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchSettings.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var configuration = typeof(BenchSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Configuration")?.Value;
if (configuration != "Release")
{
    Console.WriteLine($"warning: built as {configuration}; benchmark numbers are only meaningful with -c Release");
}

// The load tool shares 2 cores with the origin: start enough threads for the viewers at once instead of injecting them slowly.
ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount * 4, 16), Math.Max(Environment.ProcessorCount * 4, 16));

var recordingDirectory = Path.Combine(settings.CacheDirectory, FfmpegRecorder.CacheName(settings.RecordSeconds));
var recording = StreamRecording.TryLoad(recordingDirectory);
if (recording is null)
{
    recording = await FfmpegRecorder.RecordAsync(settings.RecordSeconds, cancel.Token);
    recording.Save(recordingDirectory);
}

Console.WriteLine($"Recording ({recordingDirectory}):");
Console.Write(recording.Describe());

var results = new List<ScenarioResult>();
foreach (var name in settings.Scenarios)
{
    var result = name switch
    {
        "complete" => await CompleteScenario.RunAsync(recording, settings, cancel.Token),
        "fanout-floor" => await FanoutFloorScenario.RunAsync(recording, settings, cancel.Token),
        "soak" => await SoakScenario.RunAsync(recording, settings, cancel.Token),
        "redis-rtt" => await RedisRoundTripScenario.RunAsync(recording, settings, cancel.Token),
        _ => await LiveScenario.RunAsync(Scenarios.Live(name, settings), recording, settings, cancel.Token),
    };
    if (settings.ServiceEnvironment.Count > 0)
    {
        // A result measured with other service settings says so.
        var environment = string.Join(' ', settings.ServiceEnvironment.Select(e => $"{e.Key}={e.Value}"));
        result = result with { Notes = string.IsNullOrEmpty(result.Notes) ? $"services ran with {environment}" : $"{result.Notes}; services ran with {environment}" };
    }

    results.Add(result);
    Directory.CreateDirectory(settings.ResultsDirectory);
    var file = Path.Combine(settings.ResultsDirectory, $"{name}.json");
    await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(result, ScenarioResult.Json), cancel.Token);
    Console.WriteLine(Table.Row(result));
    Console.WriteLine($"  → {file}");
    // Let the machine settle (sockets in TIME_WAIT, processes gone) before the next scenario.
    await Task.Delay(TimeSpan.FromSeconds(3), cancel.Token);
}

Console.WriteLine();
Console.WriteLine(Table.Header);
foreach (var result in results)
{
    Console.WriteLine(Table.Row(result));
}

if (results.FirstOrDefault(r => r.Scenario == "fanout") is { P99Ms: { } fanoutP99 } && results.FirstOrDefault(r => r.Scenario == "fanout-floor") is { P99Ms: { } floorP99 })
{
    // Issue 16: fanout within 1.5× of what the machine itself does with the same bytes.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fanout p99 / floor p99 = {fanoutP99 / floorP99:0.00} (target ≤ 1.5)"));
}

return results.All(r => r.TargetMet) ? 0 : 1;

internal static class Table
{
    public const string Header =
        "| scenario | uploads | viewers | p50 ms | p99 ms | max ms | errors | Delivery RSS MB | origin CPU s | Delivery CPU µs per viewer-chunk | load tool CPU s | req/s (nginx) | target | met |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|";

    public static string Row(ScenarioResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {r.Scenario} | {r.Uploads} | {r.Viewers} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.00} | {r.Errors} | {r.DeliveryRssMb:0} | {r.CpuS:0.0} | {r.DeliveryCpuUsPerViewerChunk:0.0} | " +
        $"{r.CpuBreakdownS?.GetValueOrDefault("load_tool"):0.0} | {(r.RequestsPerSecond is { } rps ? $"{rps:0} ({r.NginxRequestsPerSecond:0})" : "")} | {r.Target} | {(r.TargetMet ? "yes" : "NO")} |");
}
