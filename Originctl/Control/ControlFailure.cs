using Grpc.Core;

namespace CmafOrigin.Originctl.Control;

/// <summary>What an <see cref="RpcException"/> means to the operator: a message that says what to do, and an exit code.</summary>
internal static class ControlFailure
{
    public static int Report(RpcException exception, ControlSettings settings, TextWriter error, string? channel = null)
    {
        var (code, message) = exception.StatusCode switch
        {
            StatusCode.Unavailable => (ExitCodes.Unreachable,
                $"cannot reach the control plane at {settings.Control} ({Detail(exception)}); is Ingest running? Set --control or {ControlSettings.ControlVariable}."),
            StatusCode.DeadlineExceeded => (ExitCodes.Unreachable,
                $"the control plane at {settings.Control} did not answer within {settings.CallTimeout.TotalSeconds:0} s."),
            StatusCode.Unauthenticated => (ExitCodes.Unauthenticated,
                $"the control plane wants the admin token: pass --token or set {ControlSettings.TokenVariable}."),
            StatusCode.PermissionDenied => (ExitCodes.Unauthenticated,
                $"the control plane refused the admin token: check --token or {ControlSettings.TokenVariable}."),
            StatusCode.NotFound => (ExitCodes.NotFound,
                channel is null ? $"not found: {Detail(exception)}" : $"no channel named '{channel}' on the origin."),
            StatusCode.InvalidArgument => (ExitCodes.Usage, $"the origin refused the request: {Detail(exception)}"),
            _ => (ExitCodes.Failed, $"the control plane failed: {exception.StatusCode} {Detail(exception)}"),
        };
        error.WriteLine($"originctl: {message}");
        return code;
    }

    private static string Detail(RpcException exception) =>
        string.IsNullOrWhiteSpace(exception.Status.Detail) ? exception.StatusCode.ToString() : exception.Status.Detail;
}
