using System.CommandLine;
using CmafOrigin.Originctl;
using CmafOrigin.Originctl.Telemetry;
using OpenTelemetry.Trace;

// originctl: what is on the air, and acting on it, over the origin's gRPC control plane.
// Ctrl+C cancels the running command (watch ends with exit code 0).
using var tracing = OriginctlTracing.Start(Environment.GetEnvironmentVariable);
var exitCode = await OriginctlCli.InvokeAsync(args, Environment.GetEnvironmentVariable, new InvocationConfiguration());
tracing?.ForceFlush(3000);
return exitCode;
