using System.CommandLine;
using System.Globalization;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;
using CmafOrigin.Originctl.Output;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl archive list live/demo</c> and <c>originctl archive delete live/demo RUN</c>: a channel's archived runs.</summary>
internal static class ArchiveCommand
{
    public static Command Create(ControlOptions options)
    {
        var command = new Command("archive", "A channel's archived runs: every live event saved as MP4s with VOD manifests");
        command.Subcommands.Add(List(options));
        command.Subcommands.Add(Delete(options));
        return command;
    }

    private static Command List(ControlOptions options)
    {
        var name = ChannelArgument();
        var command = new Command("list", "List the channel's runs, newest first") { name };
        command.SetAction((parse, cancellationToken) =>
        {
            var channel = ChannelNames.Normalize(parse.GetValue(name)!);
            return options.RunAsync(parse, async (control, output, ct) =>
            {
                var response = await control.Admin.ListArchiveRunsAsync(new ListArchiveRunsRequest { Name = channel }, control.Call(ct));
                if (response.Runs.Count == 0)
                {
                    output.WriteLine($"No archived runs of {channel}.");
                    return ExitCodes.Ok;
                }

                var table = new Table("RUN", "STATE", "STARTED", "ENDED", "DURATION", "TRACKS", "SIZE", "MISSING", "ERROR").AlignRight(4, 5, 6, 7);
                foreach (var run in response.Runs)
                {
                    table.Add(
                        run.Id,
                        run.State,
                        Units.Time(run.StartedAt),
                        run.EndedAt is null ? "-" : Units.Time(run.EndedAt),
                        run.DurationSeconds.ToString("0.0 s", CultureInfo.InvariantCulture),
                        Units.Number(run.Tracks),
                        Units.Bytes(run.Bytes),
                        Units.Number(run.MissingSegments),
                        run.Error);
                }

                table.WriteTo(output);
                return ExitCodes.Ok;
            }, channel, cancellationToken);
        });
        return command;
    }

    private static Command Delete(ControlOptions options)
    {
        var name = ChannelArgument();
        var run = new Argument<string>("run") { Description = "The run's id, as 'archive list' shows it" };
        var command = new Command("delete", "Remove one final run and its files") { name, run };
        command.SetAction((parse, cancellationToken) =>
        {
            var channel = ChannelNames.Normalize(parse.GetValue(name)!);
            var runId = parse.GetValue(run)!;
            return options.RunAsync(parse, async (control, output, ct) =>
            {
                var deleted = await control.Admin.DeleteArchiveRunAsync(new DeleteArchiveRunRequest { Name = channel, RunId = runId }, control.Call(ct));
                output.WriteLine($"Deleted run {runId} of {channel}: {Units.Bytes(deleted.BytesRemoved)} freed.");
                return ExitCodes.Ok;
            }, channel, cancellationToken);
        });
        return command;
    }

    private static Argument<string> ChannelArgument() =>
        new("name") { Description = "The channel: its directory (live/demo), or / for the root" };
}
