using System.Diagnostics;
using System.Reflection;

namespace CmafOrigin.AppHost;

/// <summary>
/// A .NET service AppHost runs from its build output with <c>dotnet &lt;dll&gt;</c> (the role of Aspire's AddProject).
/// </summary>
/// <remarks>
/// The dll's path is recorded at build time by AppHost.csproj as
/// <c>[assembly: AssemblyMetadata("ServiceProject:&lt;assembly&gt;", "&lt;path&gt;")]</c>, taken from
/// the referenced project's own Build target, so it follows Configuration and output paths.
/// </remarks>
internal sealed record ServiceProject(string Name, string AssemblyName)
{
    public const string MetadataPrefix = "ServiceProject:";

    public static readonly ServiceProject Ingest = new("ingest", "Ingest.Api");
    public static readonly ServiceProject Delivery = new("delivery", "Delivery.Api");

    /// <summary>Where the build put the service's dll.</summary>
    public string DllPath =>
        typeof(ServiceProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataPrefix + AssemblyName)?.Value
        ?? throw new AppHostException($"AppHost was built without a reference to {AssemblyName}");

    public ProcessStartInfo CreateStartInfo(Uri url, Wiring wiring)
    {
        var dll = DllPath;
        if (!File.Exists(dll))
        {
            throw new AppHostException($"{AssemblyName} is not built ({dll} is missing): run 'dotnet build AppHost'");
        }

        var startInfo = new ProcessStartInfo(DotnetMuxer.Path)
        {
            // The service reads appsettings.json from its content root, the current directory.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            // The command line wins over the "Urls" in appsettings.json.
            ArgumentList = { dll, "--urls", Wiring.Origin(url) },
        };

        foreach (var (name, value) in wiring.EnvironmentFor(Name))
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }
}
