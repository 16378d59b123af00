using System.Net;

namespace CmafOrigin.Bench.Http;

/// <summary>The load tool's client for viewers: unlimited connections per server, no proxy, cookies or decompression.</summary>
internal static class ViewerHttp
{
    public static HttpClient Create(TimeSpan idleTimeout) => new(
        new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = idleTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        },
        disposeHandler: true)
    { Timeout = Timeout.InfiniteTimeSpan };
}
