using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Origin;

/// <summary>
/// redis-server, Ingest.Api and Delivery.Api as separate processes on free loopback ports, as in production
/// (and as the AppHost runs them): the services are the builds made with this tool (Release for benchmarks).
/// </summary>
internal sealed class OriginStack : IAsyncDisposable
{
    private readonly List<ChildProcess> _children = [];

    private OriginStack(string logDirectory) => LogDirectory = logDirectory;

    public string LogDirectory { get; }

    public ChildProcess Redis { get; private set; } = null!;

    public ChildProcess Ingest { get; private set; } = null!;

    public ChildProcess Delivery { get; private set; } = null!;

    public int RedisPort { get; private set; }

    public Uri IngestUri { get; private set; } = null!;

    public Uri DeliveryUri { get; private set; } = null!;

    /// <summary>The tool's own connection, to read what Ingest stored (after a run, not during it).</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <param name="environment">Extra settings for both services (e.g. <c>Ingest__CompletedRetention</c>).</param>
    public static async Task<OriginStack> StartAsync(string logDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var stack = new OriginStack(logDirectory);
        try
        {
            await stack.StartAllAsync(environment, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public static string ServiceDll(string project) =>
        typeof(OriginStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == $"ServiceProject:{project}")?.Value
        ?? throw new InvalidOperationException($"{project} was not built with the tool");

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        // Services first, so they do not log Redis failures for nothing.
        for (var i = _children.Count - 1; i >= 0; i--)
        {
            await _children[i].DisposeAsync();
        }
    }

    private async Task StartAllAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        RedisPort = FreePort.Next();
        var redisDirectory = Path.Combine(LogDirectory, "redis");
        Directory.CreateDirectory(redisDirectory);
        var redisStart = new ProcessStartInfo("redis-server") { WorkingDirectory = redisDirectory };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", RedisPort.ToString(CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no", "--dir", redisDirectory })
        {
            redisStart.ArgumentList.Add(arg);
        }

        Redis = Add(ChildProcess.Start("redis-server", redisStart, LogDirectory));
        Connection = await ConnectRedisAsync(RedisPort, cancellationToken);

        var ingestPort = FreePort.Next();
        var deliveryPort = FreePort.Next();
        IngestUri = new Uri($"http://127.0.0.1:{ingestPort.ToString(CultureInfo.InvariantCulture)}");
        DeliveryUri = new Uri($"http://127.0.0.1:{deliveryPort.ToString(CultureInfo.InvariantCulture)}");
        // The control plane needs a port of its own and, outside Development, an admin token.
        var ingestEnvironment = new Dictionary<string, string>(environment)
        {
            ["Control__Url"] = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Control__AdminToken"] = Guid.NewGuid().ToString("N"),
        };
        Ingest = Add(StartService("Ingest.Api", IngestUri, ingestEnvironment));
        Delivery = Add(StartService("Delivery.Api", DeliveryUri, environment));
        await WaitHealthyAsync(Ingest, IngestUri, cancellationToken);
        await WaitHealthyAsync(Delivery, DeliveryUri, cancellationToken);
    }

    private ChildProcess StartService(string project, Uri url, IReadOnlyDictionary<string, string> environment)
    {
        var dll = ServiceDll(project);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.AbsoluteUri.TrimEnd('/'));
        start.Environment["ConnectionStrings__redis"] = $"127.0.0.1:{RedisPort.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The load tool publishes without credentials; Ingest refuses to start without them in Production unless told.
        start.Environment["Ingest__Auth__AllowAnonymous"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return ChildProcess.Start(project, start, LogDirectory);
    }

    private ChildProcess Add(ChildProcess child)
    {
        _children.Add(child);
        return child;
    }

    private static async Task<IConnectionMultiplexer> ConnectRedisAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},connectTimeout=1000,syncTimeout=60000,asyncTimeout=60000,allowAdmin=true");
                await connection.GetDatabase().PingAsync();
                return connection;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static async Task WaitHealthyAsync(ChildProcess service, Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (service.HasExited)
            {
                throw new InvalidOperationException($"{service.Name} exited during start-up; see its log");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(url, "/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{service.Name} was not healthy within 60 s");
    }
}
