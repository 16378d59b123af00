using System.Globalization;

namespace CmafOrigin.AppHost.Archive;

/// <summary>The archive: its writer (Archive.Worker) and the one directory every service must agree on.</summary>
internal static class ArchiveExtensions
{
    /// <summary>Ingest keeps what encoders delete until the retention, so the writer can still read it; its control plane lists runs.</summary>
    public static IResourceBuilder<ProjectResource> WithArchiveSource(this IResourceBuilder<ProjectResource> ingest, string directory) =>
        ingest
            .WithEnvironment("Ingest__HoldDeletedForArchive", "true")
            .WithEnvironment("Archive__Directory", directory);

    /// <summary>Delivery serves the archived runs, and with a DVR window the live segments Redis no longer holds.</summary>
    public static IResourceBuilder<ProjectResource> WithArchive(this IResourceBuilder<ProjectResource> delivery, string directory, TimeSpan dvrWindow)
    {
        delivery.WithEnvironment("Archive__Directory", directory);
        return dvrWindow > TimeSpan.Zero
            ? delivery.WithEnvironment("Delivery__DvrWindow", dvrWindow.ToString("c", CultureInfo.InvariantCulture))
            : delivery;
    }

    public static IResourceBuilder<ProjectResource> AddArchiveWriter(this IDistributedApplicationBuilder builder, string name, string directory)
    {
        Directory.CreateDirectory(directory);
        return builder.AddProject<Projects.Archive_Worker>(name, launchProfileName: null)
            .WithHttpEndpoint()
            .WithEnvironment("Archive__Directory", directory)
            .WithHttpHealthCheck("/health");
    }
}
