using System.CommandLine;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;
using CmafOrigin.Originctl.Output;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl stats</c>: origin-wide totals and each live Delivery instance's last report.</summary>
internal static class StatsCommand
{
    public static Command Create(ControlOptions options)
    {
        var command = new Command("stats", "Origin-wide totals and every live Delivery instance");
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, async (control, output, ct) =>
        {
            var stats = await control.Admin.GetOriginStatsAsync(new GetOriginStatsRequest(), control.Call(ct));
            Write(stats, output, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        }, channel: null, cancellationToken));
        return command;
    }

    internal static void Write(OriginStats stats, TextWriter output, DateTimeOffset now)
    {
        var totals = new Table("TOTAL", "VALUE");
        totals.Add("Live channels", Units.Number(stats.LiveChannels));
        totals.Add("Active uploads", Units.Number(stats.ActiveUploads));
        totals.Add("Viewers", Units.Number(stats.Viewers));
        totals.Add("Ingest", Units.BitRate(stats.IngestBitrateBps));
        totals.Add("Delivered", Units.BitRate(stats.DeliveryInstances.Sum(r => r.DeliveredBitrateBps)));
        totals.Add("Delivery instances", Units.Number(stats.DeliveryInstances.Count));
        totals.Add("Redis reads/s", Units.Rate(stats.DeliveryInstances.Sum(r => r.RedisReadsPerSecond)));
        totals.WriteTo(output);

        if (stats.DeliveryInstances.Count == 0)
        {
            return;
        }

        output.WriteLine();
        // One line per channel an instance serves (its figures on the first): which instance serves which channel.
        var instances = new Table("INSTANCE", "VIEWERS", "OUT", "REDIS R/S", "DELIVERED", "REPORTED", "CHANNEL", "CH VIEWERS", "P50", "P99").AlignRight(1, 2, 3, 4, 7, 8, 9);
        foreach (var report in stats.DeliveryInstances.OrderBy(r => r.InstanceId, StringComparer.Ordinal))
        {
            var first = true;
            foreach (var (name, channel) in report.Channels.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                instances.Add(
                    first ? report.InstanceId : string.Empty,
                    first ? Units.Number(report.Viewers) : string.Empty,
                    first ? Units.BitRate(report.DeliveredBitrateBps) : string.Empty,
                    first ? Units.Rate(report.RedisReadsPerSecond) : string.Empty,
                    first ? Units.Bytes(report.DeliveredBytes) : string.Empty,
                    first ? Units.Ago(report.ReportedAt, now) : string.Empty,
                    name,
                    Units.Number(channel.Viewers),
                    Units.Milliseconds(channel.PassThroughP50Ms),
                    Units.Milliseconds(channel.PassThroughP99Ms));
                first = false;
            }

            if (first)
            {
                instances.Add(
                    report.InstanceId,
                    Units.Number(report.Viewers),
                    Units.BitRate(report.DeliveredBitrateBps),
                    Units.Rate(report.RedisReadsPerSecond),
                    Units.Bytes(report.DeliveredBytes),
                    Units.Ago(report.ReportedAt, now),
                    "-",
                    "",
                    "",
                    "");
            }
        }

        instances.WriteTo(output);
    }
}
