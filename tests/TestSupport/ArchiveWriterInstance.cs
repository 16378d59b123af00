using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>An Archive.Worker instance.</summary>
public sealed class ArchiveWriterInstance : ServiceInstance<Archive.Program>
{
    internal ArchiveWriterInstance(WebApplicationFactory<Archive.Program> factory, Uri uri, string directory)
        : base(factory, uri) => Directory = directory;

    /// <summary>The archive's root (<c>Archive:Directory</c>).</summary>
    public string Directory { get; }
}
