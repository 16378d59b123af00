using System.CommandLine;
using CmafOrigin.Originctl;

// originctl: what is on the air, and acting on it, over the origin's gRPC control plane.
// Ctrl+C cancels the running command (watch ends with exit code 0).
return await OriginctlCli.InvokeAsync(args, Environment.GetEnvironmentVariable, new InvocationConfiguration());
