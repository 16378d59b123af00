using System.CommandLine;
using CmafOrigin.Originctl.Commands;
using CmafOrigin.Originctl.Control;

namespace CmafOrigin.Originctl;

/// <summary>The command line: <c>channels</c>, <c>channel</c>, <c>watch</c>, <c>purge</c>, <c>stats</c>, and the options they share.</summary>
internal static class OriginctlCli
{
    /// <param name="environment">Reads an environment variable (the process's, or a test's).</param>
    public static RootCommand Create(Func<string, string?> environment)
    {
        var options = new ControlOptions(environment);
        var root = new RootCommand("originctl: see what is live on a CmafOrigin and act on it, over its gRPC control plane.")
        {
            options.Control,
            options.Token,
        };
        root.Subcommands.Add(ChannelsCommand.Create(options));
        root.Subcommands.Add(ChannelCommand.Create(options));
        root.Subcommands.Add(WatchCommand.Create(options));
        root.Subcommands.Add(PurgeCommand.Create(options));
        root.Subcommands.Add(StatsCommand.Create(options));
        root.Subcommands.Add(ArchiveCommand.Create(options));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A bad command line prints what is wrong and exits
    /// <see cref="ExitCodes.Usage"/>, rather than the parser's usual full help and 1.
    /// </summary>
    public static async Task<int> InvokeAsync(
        string[] args,
        Func<string, string?> environment,
        InvocationConfiguration configuration,
        CancellationToken cancellationToken = default)
    {
        var parse = Create(environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync($"originctl: {error.Message}");
            }

            await configuration.Error.WriteLineAsync("Run 'originctl --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
