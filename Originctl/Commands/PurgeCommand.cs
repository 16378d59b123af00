using System.CommandLine;
using CmafOrigin.Contracts.V1;
using CmafOrigin.Originctl.Control;

namespace CmafOrigin.Originctl.Commands;

/// <summary><c>originctl purge live/demo</c>: remove every object of a channel, aborting its uploads and their viewers.</summary>
internal static class PurgeCommand
{
    public static Command Create(ControlOptions options)
    {
        var name = new Argument<string>("name") { Description = "The channel to remove: its directory (live/demo), or / for the root" };
        var archive = new Option<bool>("--archive") { Description = "Also remove the channel's final archived runs (kept otherwise)" };
        var command = new Command("purge", "Remove every object of a channel; uploads in progress and their viewers are aborted") { name, archive };
        command.SetAction((parse, cancellationToken) =>
        {
            var channelName = ChannelNames.Normalize(parse.GetValue(name)!);
            if (channelName.Length == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("originctl: name a channel to purge, e.g. live/demo (/ for the root channel).");
                return Task.FromResult(ExitCodes.Usage);
            }

            return options.RunAsync(parse, async (control, output, ct) =>
            {
                var purged = await control.Admin.PurgeChannelAsync(new PurgeChannelRequest { Name = channelName, IncludeArchive = parse.GetValue(archive) }, control.Call(ct));
                output.WriteLine($"Purged {channelName}: {purged.ObjectsRemoved} objects removed, {purged.UploadsAborted} uploads aborted"
                    + (parse.GetValue(archive) ? $", {purged.ArchiveRunsRemoved} archived runs removed." : "."));
                return ExitCodes.Ok;
            }, channelName, cancellationToken);
        });
        return command;
    }
}
