using System.Globalization;
using System.Reflection;
using CmafOrigin.Bench.Measure;

namespace CmafOrigin.Bench;

/// <summary>The command line: which scenarios, for how long, and where things go.</summary>
internal sealed class BenchSettings
{
    public static readonly string[] AllScenarios = ["latency", "fanout", "fanout-floor", "ingest", "complete"];

    /// <summary>Named on the command line only (not in all): the LL-HLS comparison and the scale-out.</summary>
    public static readonly string[] ExtraScenarios = ["hls-dash", "hls", "scaleout-1", "scaleout-2", "scaleout-3", "redis-rtt"];

    /// <summary>Scenarios that <c>all</c> leaves out: they take many minutes.</summary>
    public static readonly string[] LongScenarios = ["soak"];

    public List<string> Scenarios { get; } = [];

    /// <summary>Length of a live scenario's upload (segments of 2 s, warm-up included).</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Segments at the start of a live scenario left out of the numbers (connection set-up, JIT).</summary>
    public int WarmupSegments { get; set; } = 2;

    public int? ViewersPerChannel { get; set; }

    public int? Channels { get; set; }

    /// <summary>Soak: how long it runs, in minutes.</summary>
    public double SoakMinutes { get; set; } = 12;

    /// <summary>Soak: minutes at the start left out of the slopes; null for a third of the run, at least 3.</summary>
    public double? SoakWarmupMinutes { get; set; }

    /// <summary>Soak: seconds between two memory samples.</summary>
    public double SampleSeconds { get; set; } = 10;

    /// <summary>Soak: how long each channel is pushed before it stops and the next one starts under a new name.</summary>
    public TimeSpan ChannelDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan RecordSeconds { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan CompleteSeconds { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan CompleteWarmup { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Service to run dotnet-trace on during the window (ingest or delivery), or null.</summary>
    public string? Trace { get; set; }

    public bool Perf { get; set; }

    /// <summary>Also run Archive.Worker (into a temporary directory), with Ingest and Delivery set up for it as the AppHost does.</summary>
    public bool Archive { get; set; }

    /// <summary>Diagnosis only: no DELETE of old segments (ffmpeg's window), no manifest re-PUT.</summary>
    public bool NoHousekeeping { get; set; }

    public int ProfileSeconds { get; set; } = 20;

    /// <summary>Seconds into the window before profiling starts (tiered JIT settles first).</summary>
    public int ProfileDelaySeconds { get; set; } = 10;

    /// <summary>Extra environment for every service (<c>--env NAME=VALUE</c>): runtime and Kestrel settings tried by measurement.</summary>
    public Dictionary<string, string> ServiceEnvironment { get; } = new(StringComparer.Ordinal);

    public string BenchDirectory { get; set; } = DefaultBenchDirectory();

    public string CacheDirectory => Path.Combine(BenchDirectory, ".cache");

    public string? ResultsDirectoryOverride { get; set; }

    public string ResultsDirectory => ResultsDirectoryOverride ?? Path.Combine(BenchDirectory, "results");

    public BenchClock Clock { get; } = new();

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/CmafOrigin.Bench -- <scenario>... [options]

        Scenarios: latency, fanout, fanout-floor (nginx serving fanout's bytes in the same bursts: the floor), ingest,
        complete, or all (in that order); hls-dash and hls (LL-DASH against
        LL-HLS viewers of one 3-rendition push, N from --viewers, default 500; keep --duration within the recording);
        scaleout (the fanout over 1, 2 and 3 Delivery instances on one redis-server: scaleout-1, -2, -3);
        redis-rtt (one Redis round trip, through the services' client and through a plain socket: the floor under each hop);
        soak (long, never part of all). Each starts its own redis-server,
        Ingest.Api and Delivery.Api (and nginx for complete) on free loopback ports and stops them after.
        Results: a table on the console and bench/results/<scenario>.json.
        With --archive, Archive.Worker runs too and archives every channel into a temporary directory (removed after);
        the result then says what was archived, and the soak samples the writer's memory.

        Options:
          --duration <s>          live scenarios: seconds of upload, warm-up included (default 60)
          --warmup-segments <n>   live scenarios: first segments left out of the numbers (default 2)
          --viewers <n>           override viewers per channel (smoke runs; soak: per channel at once, default 8)
          --channels <n>          override channels (smoke runs; soak: channels at once, default 4)
          --minutes <m>           soak: minutes to run (default 12)
          --warmup-minutes <m>    soak: minutes left out of the slopes (default a third of the run, at least 3)
          --sample-seconds <s>    soak: seconds between memory samples (default 10)
          --channel-seconds <s>   soak: seconds each channel is pushed before the next one replaces it (default 60)
          --complete-seconds <s>  complete: seconds per server per round (default 10; 2 rounds)
          --complete-warmup <s>   complete: seconds of load per server before measuring (default 3)
          --record-seconds <s>    length of the ffmpeg recording made once into bench/.cache (default 30)
          --results <dir>         where the JSON goes (default bench/results)
          --env NAME=VALUE        set an environment variable for every service (e.g. DOTNET_gcServer=0); repeatable
          --archive               also run the archive writer (Ingest holds deleted segments for it, as in the AppHost)
          --trace <service>       profile ingest or delivery with dotnet-trace during the window (bench/.cache/profiles)
          --perf                  perf record Ingest, Delivery and redis-server during the window
          --profile-seconds <s>   how long to profile (default 20)
          --profile-delay <s>     seconds into the window before profiling (default 10)
        """;

    public static BenchSettings Parse(string[] args)
    {
        var settings = new BenchSettings();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            double Seconds() => double.Parse(Value(), CultureInfo.InvariantCulture);
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (arg)
            {
                case "all":
                    settings.Scenarios.AddRange(AllScenarios);
                    break;
                case "scaleout":
                    settings.Scenarios.AddRange(["scaleout-1", "scaleout-2", "scaleout-3"]);
                    break;
                case "--duration":
                    settings.Duration = TimeSpan.FromSeconds(Seconds());
                    break;
                case "--warmup-segments":
                    settings.WarmupSegments = Number();
                    break;
                case "--viewers":
                    settings.ViewersPerChannel = Number();
                    break;
                case "--channels":
                    settings.Channels = Number();
                    break;
                case "--minutes":
                    settings.SoakMinutes = Seconds();
                    break;
                case "--warmup-minutes":
                    settings.SoakWarmupMinutes = Seconds();
                    break;
                case "--sample-seconds":
                    settings.SampleSeconds = Seconds();
                    break;
                case "--channel-seconds":
                    settings.ChannelDuration = TimeSpan.FromSeconds(Seconds());
                    break;
                case "--complete-seconds":
                    settings.CompleteSeconds = TimeSpan.FromSeconds(Seconds());
                    break;
                case "--complete-warmup":
                    settings.CompleteWarmup = TimeSpan.FromSeconds(Seconds());
                    break;
                case "--record-seconds":
                    settings.RecordSeconds = TimeSpan.FromSeconds(Seconds());
                    break;
                case "--trace":
                    var service = Value();
                    settings.Trace = service is "ingest" or "delivery" ? service : throw new ArgumentException("--trace takes ingest or delivery");
                    break;
                case "--no-housekeeping":
                    settings.NoHousekeeping = true;
                    break;
                case "--archive":
                    settings.Archive = true;
                    break;
                case "--env":
                    var assignment = Value();
                    var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new ArgumentException("--env takes NAME=VALUE");
                    }

                    settings.ServiceEnvironment[assignment[..equals]] = assignment[(equals + 1)..];
                    break;
                case "--perf":
                    settings.Perf = true;
                    break;
                case "--profile-delay":
                    settings.ProfileDelaySeconds = Number();
                    break;
                case "--profile-seconds":
                    settings.ProfileSeconds = Number();
                    break;
                case "--results":
                    settings.ResultsDirectoryOverride = Path.GetFullPath(Value());
                    break;
                case var name when AllScenarios.Contains(name) || ExtraScenarios.Contains(name) || LongScenarios.Contains(name):
                    settings.Scenarios.Add(name);
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{arg}'");
            }
        }

        if (settings.Scenarios.Count == 0)
        {
            throw new ArgumentException("name at least one scenario, or all");
        }

        return settings;
    }

    private static string DefaultBenchDirectory() =>
        typeof(BenchSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BenchDirectory")?.Value
        ?? Path.GetFullPath("bench");
}
