namespace CmafOrigin.TestSupport;

/// <summary>
/// An origin with short timeouts for hostile-input tests: headers must arrive within a second
/// (slow-loris), an upload silent for a second is aborted (a Content-Length that lies), and a GET of a
/// missing object waits only 200 ms for an upload to start.
/// </summary>
public sealed class HostileOriginFixture(RedisServer redis) : IAsyncLifetime
{
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    public OriginHost Origin { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?>
    {
        ["Kestrel:Limits:RequestHeadersTimeout"] = RequestHeadersTimeout.ToString("c"),
        ["Ingest:IdleTimeout"] = IdleTimeout.ToString("c"),
        // Refused uploads leave nothing to wait for: a GET of one answers 404 at once.
        ["Delivery:EarlyRequestWait"] = "00:00:00.200",
    });

    public async ValueTask DisposeAsync() => await Origin.DisposeAsync();
}
