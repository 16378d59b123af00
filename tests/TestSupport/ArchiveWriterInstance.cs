using Microsoft.AspNetCore.Mvc.Testing;

namespace CmafOrigin.TestSupport;

/// <summary>An Archive.Worker process-alike on real Kestrel, sharing an <see cref="OriginHost"/>'s Redis and key prefix.</summary>
public sealed class ArchiveWriterInstance : IAsyncDisposable
{
    private readonly WebApplicationFactory<Archive.Program> _factory;

    internal ArchiveWriterInstance(WebApplicationFactory<Archive.Program> factory, Uri uri, string directory)
    {
        _factory = factory;
        Uri = uri;
        Directory = directory;
        Client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Uri { get; }

    /// <summary>The archive's root (<c>Archive:Directory</c>).</summary>
    public string Directory { get; }

    /// <summary>A client of the writer: its /health and /alive.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Stops the writer gracefully: open runs stay live on disk for the next writer.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
