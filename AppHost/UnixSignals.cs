using System.Runtime.InteropServices;

namespace CmafOrigin.AppHost;

/// <summary>Sends SIGTERM, which .NET has no API for: the polite stop that lets a service drain before <c>Process.Kill</c>.</summary>
internal static partial class UnixSignals
{
    private const int SigTerm = 15;

    /// <returns>False when the signal could not be sent (process gone, or not Unix).</returns>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
