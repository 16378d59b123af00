using System.Runtime.InteropServices;

namespace CmafOrigin.AppHost;

/// <summary>Finds the <c>dotnet</c> executable that runs the service dlls: the one running AppHost, when it can tell.</summary>
internal static class DotnetMuxer
{
    private static readonly string FileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    public static string Path { get; } = Locate();

    private static string Locate()
    {
        // `dotnet AppHost.dll` (tests) runs in the muxer itself.
        if (Environment.ProcessPath is { } processPath
            && System.IO.Path.GetFileName(processPath).Equals(FileName, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        // The native launcher (`dotnet run`) does not; the runtime directory is <root>/shared/Microsoft.NETCore.App/<version>/.
        var root = Directory.GetParent(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(System.IO.Path.DirectorySeparatorChar))?.Parent?.Parent;
        var beside = root is null ? null : System.IO.Path.Combine(root.FullName, FileName);
        if (beside is not null && File.Exists(beside))
        {
            return beside;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath
            ? hostPath
            : Executable.Find(FileName) ?? FileName;
    }
}
