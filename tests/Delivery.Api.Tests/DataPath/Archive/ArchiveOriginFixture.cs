using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Archive;

/// <summary>An origin whose Delivery reads the archive in a temporary directory of its own; each test uses its own channel.</summary>
public sealed class ArchiveOriginFixture(RedisServer redis) : IAsyncLifetime
{
    public ArchiveDirectory Archive { get; } = new();

    public OriginHost Origin { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Archive:Directory"] = Archive.Root,
            // Paths the archive route does not take fall to the object route and its early-request wait.
            ["Delivery:EarlyRequestWait"] = "00:00:00.300",
        });

    public async ValueTask DisposeAsync()
    {
        await Origin.DisposeAsync();
        Archive.Dispose();
    }
}
