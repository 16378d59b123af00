using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using CmafOrigin.Originctl.Telemetry;
using Grpc.Core;

namespace CmafOrigin.Originctl.Control;

/// <summary>The options every command takes, and how a command runs against the control plane.</summary>
internal sealed class ControlOptions
{
    private readonly Func<string, string?> _environment;

    public ControlOptions(Func<string, string?> environment)
    {
        Control = new Option<Uri>("--control")
        {
            Description = $"The control plane (Ingest's gRPC endpoint) [env {ControlSettings.ControlVariable}]",
            Recursive = true,
            HelpName = "url",
            CustomParser = ParseUrl,
            DefaultValueFactory = result => ParseUrl(environment(ControlSettings.ControlVariable) ?? ControlSettings.DefaultControl, result),
        };
        Token = new Option<string?>("--token")
        {
            Description = $"The admin Bearer token; prefer the environment, a command line is visible to other users [env {ControlSettings.TokenVariable}]",
            Recursive = true,
            HelpName = "token",
        };
        // Read from the environment when run, not as the option's default: help prints defaults.
        _environment = environment;
    }

    public Option<Uri> Control { get; }

    public Option<string?> Token { get; }

    /// <summary>
    /// Runs <paramref name="body"/> with a connection to the control plane, turning the origin's gRPC errors into a
    /// message on standard error and an exit code (<see cref="ExitCodes"/>).
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parse,
        Func<ControlConnection, TextWriter, CancellationToken, Task<int>> body,
        string? channel,
        CancellationToken cancellationToken)
    {
        var settings = new ControlSettings(parse.GetValue(Control)!, parse.GetValue(Token) ?? _environment(ControlSettings.TokenVariable));
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        using var activity = OriginctlTracing.Source.StartActivity($"originctl {parse.CommandResult.Command.Name}");
        activity?.SetTag("cmaforigin.control", settings.Control.AbsoluteUri);
        if (channel is not null)
        {
            activity?.SetTag("cmaforigin.channel", channel);
        }

        using var connection = new ControlConnection(settings);
        try
        {
            return await body(connection, output, cancellationToken);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the user ended it. The call then fails as Cancelled, or as Unavailable when the stream's
            // reset wins the race: either way it was the user's doing, not the origin's.
            return ExitCodes.Ok;
        }
        catch (RpcException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.StatusCode.ToString());
            return ControlFailure.Report(ex, settings, error, channel);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static Uri ParseUrl(ArgumentResult result) =>
        ParseUrl(result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value, result);

    private static Uri ParseUrl(string value, ArgumentResult result)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--control must be an http:// or https:// URL, not '{value}'");
        return new Uri(ControlSettings.DefaultControl);
    }
}
