namespace CmafOrigin.AppHost.Encoder;

/// <summary><c>--demo</c>: ffmpeg pushing a test pattern, so there is something to play at once.</summary>
internal static class DemoEncoderExtensions
{
    /// <summary>
    /// ffmpeg as an executable resource. When it exits, for whatever reason, the origin keeps running:
    /// the dashboard shows it exited, with its console output, and can start it again.
    /// </summary>
    /// <exception cref="AppHostException">ffmpeg is not installed.</exception>
    public static IResourceBuilder<ExecutableResource> AddDemoEncoder(
        this IDistributedApplicationBuilder builder, string name, OriginAddresses origin, IngestCredential credential)
    {
        var ffmpeg = Executable.Require("ffmpeg", "ffmpeg");
        var publishUrl = credential.In(new Uri(origin.Ingest, EncoderCommand.DemoManifestPath));
        return builder.AddExecutable(name, ffmpeg, Path.GetTempPath(), [.. EncoderCommand.DemoArguments(publishUrl, origin.Delivery)]);
    }
}
