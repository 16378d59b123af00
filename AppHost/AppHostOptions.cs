using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CmafOrigin.AppHost;

/// <summary>AppHost's command line. Hand-parsed: six options do not justify a parser package.</summary>
internal sealed record AppHostOptions
{
    public const int DefaultIngestPort = 5000;
    public const int DefaultDeliveryPort = 5001;
    public const int DefaultControlPort = 5002;

    public const string Usage = """
        Usage: dotnet run --project AppHost -- [options]

        Starts Redis, Ingest.Api and Delivery.Api wired together (the role of an Aspire AppHost).
        Ctrl+C stops everything.

        Options:
          --redis <connection>    use this Redis (e.g. 127.0.0.1:6379) instead of starting redis-server
          --ingest-port <port>    port of Ingest.Api, where encoders PUT (default 5000)
          --delivery-port <port>  port of Delivery.Api, where players GET (default 5001)
          --control-port <port>   port of Ingest.Api's gRPC control plane, cleartext HTTP/2 (default 5002)
          --demo                  also run ffmpeg pushing a test pattern (two video renditions and audio)
                                  to <ingest>/live/demo/out.mpd
          -h, --help              show this help
        """;

    /// <summary>An existing Redis to use; null to start one.</summary>
    public string? Redis { get; init; }

    public int IngestPort { get; init; } = DefaultIngestPort;

    public int DeliveryPort { get; init; } = DefaultDeliveryPort;

    public int ControlPort { get; init; } = DefaultControlPort;

    public bool Demo { get; init; }

    public bool Help { get; init; }

    /// <summary>Accepts <c>--name value</c> and <c>--name=value</c>.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args,
        [NotNullWhen(true)] out AppHostOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        var result = new AppHostOptions();
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
                case "--redis":
                    if (!TryTakeValue(args, ref i, arg, inlineValue, out var redis, out error))
                    {
                        return false;
                    }

                    result = result with { Redis = redis };
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
