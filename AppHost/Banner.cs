using System.Text;

namespace CmafOrigin.AppHost;

/// <summary>What a person needs once everything is healthy: where things are, how to push a stream and how to play it.</summary>
internal static class Banner
{
    public const string ReadyLine = "CmafOrigin is running";

    public static string Render(Wiring wiring, bool demo)
    {
        string[][] pushCommand =
        [
            ["ffmpeg"],
            .. EncoderCommand.TestSourceInputs("640x360"),
            [.. EncoderCommand.VideoCodec, "-b:v", "1000k"],
            EncoderCommand.AudioCodec,
            .. EncoderCommand.DashOutput(wiring),
        ];

        var rule = new string('=', 78);
        var text = new StringBuilder()
            .AppendLine(rule)
            .AppendLine(ReadyLine)
            .AppendLine($"  ingest    {Wiring.Origin(wiring.IngestUrl)}    (encoders PUT here)")
            .AppendLine($"  delivery  {Wiring.Origin(wiring.DeliveryUrl)}    (players GET here)")
            .AppendLine($"  redis     {wiring.RedisConnection}    ({(wiring.RedisIsOwn ? "started by AppHost" : "given with --redis")})");
        if (wiring.ControlUrl is not null)
        {
            text.AppendLine($"  control   {Wiring.Origin(wiring.ControlUrl)}    (gRPC, cleartext HTTP/2: ChannelCatalog, OriginAdmin)")
                .AppendLine($"  admin token  {wiring.AdminToken}    (authorization: Bearer <token>)");
        }

        text.AppendLine();

        if (demo)
        {
            text.AppendLine($"The demo encoder (ffmpeg) pushes to {EncoderCommand.ManifestUrl(wiring.IngestUrl)}");
        }
        else
        {
            text.AppendLine("Push a test stream (low-latency DASH: 2 s segments, 0.5 s chunks):")
                .AppendLine(ShellCommand.Format(pushCommand, indent: "  "));
        }

        return text
            .AppendLine()
            .AppendLine("Play it:")
            .AppendLine($"  ffplay {EncoderCommand.ManifestUrl(wiring.DeliveryUrl)}")
            .AppendLine()
            .AppendLine("Ctrl+C stops everything.")
            .Append(rule)
            .ToString();
    }
}
