using System.Diagnostics;
using StackExchange.Redis;
using Xunit;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, in its own temp directory.
/// One per test assembly (an assembly fixture); tests keep apart by their own key prefixes and paths.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private string? _directory;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>A connection for the test itself, to look at what the services stored.</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("cmaforigin-redis-").FullName;
        Port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _directory })
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
