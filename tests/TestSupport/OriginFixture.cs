namespace CmafOrigin.TestSupport;

/// <summary>One origin with default settings shared by the tests of a class; each test uses its own channel.</summary>
public sealed class OriginFixture(RedisServer redis) : IAsyncLifetime
{
    public OriginHost Origin { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Origin = await OriginHost.StartAsync(redis);

    public async ValueTask DisposeAsync() => await Origin.DisposeAsync();
}
