using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using CmafOrigin.Bench.Measure;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Bench.Origin;

/// <summary>
/// redis-server, Ingest.Api and Delivery.Api as separate processes on free loopback ports, as in production
/// (and as the AppHost runs them): the services are the builds made with this tool (Release for benchmarks).
/// With an archive, Archive.Worker too, writing into a temporary directory that goes with the stack. With several
/// Delivery instances, each is a process of its own on its own port, all on the one redis-server (the scaled shape).
/// </summary>
internal sealed class OriginStack : IAsyncDisposable
{
    private readonly List<ChildProcess> _children = [];

    private OriginStack(string logDirectory) => LogDirectory = logDirectory;

    public string LogDirectory { get; }

    public ChildProcess Redis { get; private set; } = null!;

    public ChildProcess Ingest { get; private set; } = null!;

    /// <summary>The first Delivery instance.</summary>
    public ChildProcess Delivery => Deliveries[0].Process;

    /// <summary>Every Delivery instance, in start order.</summary>
    public IReadOnlyList<(ChildProcess Process, Uri Uri)> Deliveries { get; private set; } = [];

    public int RedisPort { get; private set; }

    public Uri IngestUri { get; private set; } = null!;

    /// <summary>The first Delivery instance's address.</summary>
    public Uri DeliveryUri => Deliveries[0].Uri;

    /// <summary>Archive.Worker, when the stack was started with an archive; else null.</summary>
    public ChildProcess? Archive { get; private set; }

    /// <summary>
    /// A CPU meter for each process of the stack and one for the load tool itself, by name; not started. "delivery" sums
    /// every Delivery instance; with several, each has its own as well ("delivery_1", ...).
    /// </summary>
    public Dictionary<string, CpuMeter> CpuMeters()
    {
        var meters = new Dictionary<string, CpuMeter>
        {
            ["ingest"] = new(() => [Ingest.Pid]),
            ["delivery"] = new(() => Deliveries.Select(d => d.Process.Pid)),
            ["redis"] = new(() => [Redis.Pid]),
            ["load_tool"] = new(() => [Environment.ProcessId]),
        };
        if (Archive is { } writer)
        {
            meters["archive"] = new(() => [writer.Pid]);
        }

        for (var i = 0; Deliveries.Count > 1 && i < Deliveries.Count; i++)
        {
            var pid = Deliveries[i].Process.Pid;
            meters[$"delivery_{(i + 1).ToString(CultureInfo.InvariantCulture)}"] = new(() => [pid]);
        }

        return meters;
    }

    public Uri? ArchiveUri { get; private set; }

    /// <summary>Where the writer archives (a fresh temporary directory, removed on dispose); null without an archive.</summary>
    public string? ArchiveDirectory { get; private set; }

    /// <summary>The tool's own connection, to read what Ingest stored (after a run, not during it).</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <param name="environment">Extra settings for every service (e.g. <c>Ingest__CompletedRetention</c>).</param>
    /// <param name="archive">Also run Archive.Worker, and set Ingest and Delivery up for it as the AppHost does.</param>
    /// <param name="deliveries">How many Delivery instances.</param>
    public static async Task<OriginStack> StartAsync(
        string logDirectory, IReadOnlyDictionary<string, string> environment, bool archive, CancellationToken cancellationToken, int deliveries = 1)
    {
        var stack = new OriginStack(logDirectory);
        try
        {
            await stack.StartAllAsync(environment, archive, deliveries, cancellationToken);
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

        if (ArchiveDirectory is not null)
        {
            try
            {
                Directory.Delete(ArchiveDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.WriteLine($"  (archive directory {ArchiveDirectory} not removed: {e.Message})");
            }
        }
    }

    /// <summary>
    /// What is archived so far. With <paramref name="settle"/>, first waits (up to that long) for every run to end: the
    /// writer ends a run when its channel is deleted or after <c>Archive:EndAfter</c> (30 s) without an event, then
    /// finalizes it.
    /// </summary>
    public async Task<ArchiveSummary> ReadArchiveAsync(TimeSpan settle, CancellationToken cancellationToken)
    {
        var directory = ArchiveDirectory ?? throw new InvalidOperationException("the stack runs no archive writer");
        var deadline = Stopwatch.StartNew();
        var summary = ArchiveSummary.Read(directory);
        while (summary.LiveRuns > 0 && deadline.Elapsed < settle && !Archive!.HasExited)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            summary = ArchiveSummary.Read(directory);
        }

        return summary;
    }

    private async Task StartAllAsync(IReadOnlyDictionary<string, string> environment, bool archive, int deliveries, CancellationToken cancellationToken)
    {
        RedisPort = FreePort.Next();
        Redis = Add(StartRedis(RedisPort, LogDirectory));
        Connection = await ConnectRedisAsync(RedisPort, cancellationToken);

        IngestUri = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        // The control plane needs a port of its own and, outside Development, an admin token.
        var ingestEnvironment = new Dictionary<string, string>(environment)
        {
            ["Control__Url"] = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Control__AdminToken"] = Guid.NewGuid().ToString("N"),
        };
        var deliveryEnvironment = new Dictionary<string, string>(environment);
        var archiveEnvironment = new Dictionary<string, string>(environment);
        if (archive)
        {
            // As the AppHost's WithArchiveSource, WithArchive and AddArchiveWriter (AppHost/Archive/ArchiveExtensions.cs):
            // one directory for all three; Ingest keeps what encoders DELETE until the retention so the writer can read it.
            ArchiveDirectory = Directory.CreateTempSubdirectory("cmaforigin-bench-archive-").FullName;
            ingestEnvironment["Ingest__HoldDeletedForArchive"] = "true";
            ingestEnvironment["Archive__Directory"] = ArchiveDirectory;
            deliveryEnvironment["Archive__Directory"] = ArchiveDirectory;
            archiveEnvironment["Archive__Directory"] = ArchiveDirectory;
        }

        Ingest = Add(StartService("Ingest.Api", IngestUri, ingestEnvironment));
        Deliveries = [.. Enumerable.Range(0, deliveries).Select(_ =>
        {
            var uri = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
            return (Add(StartService("Delivery.Api", uri, deliveryEnvironment)), uri);
        })];
        if (archive)
        {
            ArchiveUri = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
            Archive = Add(StartService("Archive.Worker", ArchiveUri, archiveEnvironment));
        }

        await WaitHealthyAsync(Ingest, IngestUri, cancellationToken);
        foreach (var (process, uri) in Deliveries)
        {
            await WaitHealthyAsync(process, uri, cancellationToken);
        }
        if (Archive is not null)
        {
            await WaitHealthyAsync(Archive, ArchiveUri!, cancellationToken);
        }
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

    /// <summary>redis-server on <paramref name="port"/>, without persistence, its files under the logs.</summary>
    internal static ChildProcess StartRedis(int port, string logDirectory)
    {
        var redisDirectory = Path.Combine(logDirectory, "redis");
        Directory.CreateDirectory(redisDirectory);
        var redisStart = new ProcessStartInfo("redis-server") { WorkingDirectory = redisDirectory };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no", "--dir", redisDirectory })
        {
            redisStart.ArgumentList.Add(arg);
        }

        return ChildProcess.Start("redis-server", redisStart, logDirectory);
    }

    /// <summary>A connection once redis-server answers PING (it may still be starting).</summary>
    internal static async Task<IConnectionMultiplexer> ConnectRedisAsync(int port, CancellationToken cancellationToken)
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
