using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CmafOrigin.AppHost.Redis;

namespace CmafOrigin.AppHost;

/// <summary>AppHost's command line. Hand-parsed: a handful of options do not justify a parser package.</summary>
internal sealed record AppHostOptions
{
    public const int DefaultIngestPort = 5000;
    public const int DefaultDeliveryPort = 5001;
    public const int DefaultControlPort = 5002;

    /// <summary>More would only share the same cores of one machine: past that, more machines, not more replicas.</summary>
    public const int MaxReplicas = 16;

    public const string Usage = """
        Usage: dotnet run --project AppHost -- [options]

        Runs the origin on .NET Aspire: Redis, Ingest.Api and Delivery.Api (and with --demo an encoder),
        with the Aspire dashboard. Ctrl+C stops everything.

        Options:
          --redis <connection>    use this Redis (e.g. 127.0.0.1:6379) instead of starting redis-server;
                                  a Redis Cluster: its nodes, comma-separated (10.0.0.5:7000,10.0.0.6:7000,...)
          --redis-cluster         start a local Redis Cluster instead of one redis-server: 3 masters and
                                  3 replicas (six redis-servers on free ports, each on the dashboard)
          --ingest-port <port>    port of Ingest.Api, where encoders PUT (default 5000)
          --delivery-port <port>  port of Delivery.Api, where players GET (default 5001)
          --control-port <port>   port of Ingest.Api's gRPC control plane, cleartext HTTP/2 (default 5002)
          --demo                  also run ffmpeg pushing a test pattern (two video renditions and audio)
                                  to <ingest>/live/demo/out.mpd
          --ingest-user <name>    user name encoders publish with (HTTP Basic; default encoder)
          --ingest-password <pw>  their password (default: a new random one each run, printed at start)
          --delivery-replicas <n> run n Delivery.Api instances behind the delivery port (default 1)
          --ingest-replicas <n>   run n Ingest.Api instances behind the ingest and control ports (default 1)
          --archive-dir <path>    where every live run is archived as MP4s with VOD manifests
                                  (default ~/.local/share/cmaforigin/archive)
          --no-archive            do not run the archive writer
          --dvr-window <minutes>  live manifests let players seek back this far, older segments served
                                  from the archive (default 0: no DVR)
          -h, --help              show this help
        """;

    /// <summary>The Redis to start, or the one given.</summary>
    public RedisChoice Redis { get; init; } = RedisChoice.OwnServer;

    public int IngestPort { get; init; } = DefaultIngestPort;

    public int DeliveryPort { get; init; } = DefaultDeliveryPort;

    public int ControlPort { get; init; } = DefaultControlPort;

    public bool Demo { get; init; }

    /// <summary>How many Delivery.Api instances share the delivery port.</summary>
    public int DeliveryReplicas { get; init; } = 1;

    /// <summary>How many Ingest.Api instances share the ingest port (and the control port).</summary>
    public int IngestReplicas { get; init; } = 1;

    public string IngestUser { get; init; } = IngestCredential.DefaultUsername;

    /// <summary>The password encoders publish with; null to generate one.</summary>
    public string? IngestPassword { get; init; }

    public bool Help { get; init; }

    /// <summary>Run Archive.Worker, writing under <see cref="ArchiveDirectory"/>.</summary>
    public bool Archive { get; init; } = true;

    public string ArchiveDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "cmaforigin",
        "archive");

    /// <summary>How far back live players may seek (Delivery:DvrWindow); zero for none.</summary>
    public TimeSpan DvrWindow { get; init; }

    /// <summary>Accepts <c>--name value</c> and <c>--name=value</c>.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args,
        [NotNullWhen(true)] out AppHostOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        var result = new AppHostOptions();
        var redisGiven = false;
        var redisCluster = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    result = result with { Help = true };
                    break;
                case "--demo":
                    result = result with { Demo = true };
                    break;
                case "--no-archive":
                    result = result with { Archive = false };
                    break;
                case "--archive-dir":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var directory, out error))
                    {
                        return false;
                    }

                    result = result with { ArchiveDirectory = Path.GetFullPath(directory) };
                    break;
                case "--dvr-window":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var minutesText, out error))
                    {
                        return false;
                    }

                    if (!int.TryParse(minutesText, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > 7 * 24 * 60)
                    {
                        error = $"--dvr-window must be a number of minutes from 0 to 10080, not '{minutesText}'";
                        return false;
                    }

                    result = result with { DvrWindow = TimeSpan.FromMinutes(minutes) };
                    break;
                case "--redis":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var redis, out error))
                    {
                        return false;
                    }

                    result = result with { Redis = RedisChoice.Given(redis) };
                    redisGiven = true;
                    break;
                case "--redis-cluster":
                    result = result with { Redis = RedisChoice.OwnCluster };
                    redisCluster = true;
                    break;
                case "--ingest-user" or "--ingest-password":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var credential, out error))
                    {
                        return false;
                    }

                    if (arg == "--ingest-user" && credential.Contains(':', StringComparison.Ordinal))
                    {
                        error = "--ingest-user cannot contain ':' (HTTP Basic separates user and password with it)";
                        return false;
                    }

                    result = arg == "--ingest-user" ? result with { IngestUser = credential } : result with { IngestPassword = credential };
                    break;
                case "--delivery-replicas" or "--ingest-replicas":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var count, out error))
                    {
                        return false;
                    }

                    if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas is < 1 or > MaxReplicas)
                    {
                        error = $"{arg} must be a number from 1 to {MaxReplicas}, not '{count}'";
                        return false;
                    }

                    result = arg == "--delivery-replicas" ? result with { DeliveryReplicas = replicas } : result with { IngestReplicas = replicas };
                    break;
                case "--ingest-port" or "--delivery-port" or "--control-port":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var text, out error))
                    {
                        return false;
                    }

                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    {
                        error = $"{arg} must be a port number from 1 to 65535, not '{text}'";
                        return false;
                    }

                    result = arg switch
                    {
                        "--ingest-port" => result with { IngestPort = port },
                        "--delivery-port" => result with { DeliveryPort = port },
                        _ => result with { ControlPort = port },
                    };
                    break;
                default:
                    error = $"unknown option '{args[i]}'";
                    return false;
            }
        }

        if (redisGiven && redisCluster)
        {
            error = "--redis uses a Redis that runs already, --redis-cluster starts one: give one of them";
            return false;
        }

        if (result.DvrWindow > TimeSpan.Zero && !result.Archive)
        {
            error = "--dvr-window serves older segments from the archive: it cannot go with --no-archive";
            return false;
        }

        if (result.IngestPort == result.DeliveryPort)
        {
            error = $"ingest and delivery cannot share port {result.IngestPort}";
            return false;
        }

        if (result.ControlPort == result.IngestPort || result.ControlPort == result.DeliveryPort)
        {
            error = $"the control plane cannot share port {result.ControlPort} with ingest or delivery";
            return false;
        }

        options = result;
        error = null;
        return true;
    }

    private static bool TryTakeValue(
        IReadOnlyList<string> args,
        ref int i,
        string name,
        string? inlineValue,
        [NotNullWhen(true)] out string? value,
        [NotNullWhen(false)] out string? error)
    {
        value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = null;
            error = $"{name} needs a value";
            return false;
        }

        error = null;
        return true;
    }
}
