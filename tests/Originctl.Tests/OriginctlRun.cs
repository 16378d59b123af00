using System.CommandLine;

namespace CmafOrigin.Originctl.Tests;

/// <summary>originctl run in-process, as from a shell: its arguments and environment in, exit code and both outputs out.</summary>
internal sealed record OriginctlRun(int ExitCode, string Output, string Error)
{
    public static async Task<OriginctlRun> RunAsync(
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken,
        params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // No process-wide Ctrl+C handler in a test host; the test's token stands for Ctrl+C.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        var exitCode = await OriginctlCli.InvokeAsync(args, name => environment.GetValueOrDefault(name), configuration, cancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        return new OriginctlRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<OriginctlRun> RunAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(new Dictionary<string, string>(), cancellationToken, args);
}
