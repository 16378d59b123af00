using System.Diagnostics;
using StackExchange.Redis;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, in its own temp directory.
/// One per test assembly (an assembly fixture); tests keep apart by their own key prefixes and paths.
/// </summary>
public sealed class RedisServer : ITestRedis, IAsyncLifetime
{
    private Process? _process;
    private string? _directory;
    private bool _persistent;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>A connection for the test itself, to look at what the services stored.</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <summary>
    /// A redis-server of a test's own, for tests that kill and restart it (the assembly's shared one must
    /// stay up). <paramref name="persistent"/>: an append-only file fsynced on every write, so a restart
    /// after kill -9 comes back with the data, as a production Redis with AOF would.
    /// </summary>
    public static async Task<RedisServer> StartDedicatedAsync(bool persistent)
    {
        var server = new RedisServer { _persistent = persistent };
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Kills redis-server with SIGKILL (kill -9): no shutdown, no save, connections reset.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts redis-server again on the same port and data directory (after <see cref="KillAsync"/>).</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>
    /// kill -9, down for <paramref name="down"/>, then started again on the same port; returns a stopwatch started as the
    /// new redis-server starts (a heal is timed from there, not from when the test's own connection is back).
    /// </summary>
    public async Task<Stopwatch> KillAndRestartAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        await KillAsync();
        await Task.Delay(down, cancellationToken);
        var up = Stopwatch.StartNew();
        await RestartAsync();
        return up;
    }

    public async ValueTask InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("cmaforigin-redis-").FullName;
        Port = FreePort.Next();
        await StartProcessAsync();
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--dir", _directory! }.Concat(persistence))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        if (Connection is not null)
        {
            // A restart: the test's own connection reconnects by itself; wait until it has.
            var restartDeadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                try
                {
                    await Connection.GetDatabase().PingAsync();
                    return;
                }
                catch (Exception ex) when ((ex is RedisException or TimeoutException) && DateTime.UtcNow < restartDeadline && !_process.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                Connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=1000,allowAdmin=true");
                await Connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Every key matching <paramref name="pattern"/>.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in Connection.GetServer("127.0.0.1", Port).KeysAsync(pattern: pattern, pageSize: 1000))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    /// <summary>How many times Redis has run <paramref name="command"/> (INFO commandstats).</summary>
    public async Task<long> CommandCallsAsync(string command)
    {
        var info = await Connection.GetServer("127.0.0.1", Port).InfoRawAsync("commandstats") ?? string.Empty;
        var prefix = $"cmdstat_{command.ToLowerInvariant()}:calls=";
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var value = line[prefix.Length..];
                return long.Parse(value[..value.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
