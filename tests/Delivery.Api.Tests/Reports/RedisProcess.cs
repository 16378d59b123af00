using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace CmafOrigin.Delivery.Tests.Reports;

/// <summary>A plain redis-server on a given loopback port: Redis coming back where it was, after a test stopped it.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisProcess(Process process, IConnectionMultiplexer connection)
    {
        _process = process;
        Connection = connection;
    }

    public IConnectionMultiplexer Connection { get; }

    public static async Task<RedisProcess> StartAsync(int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=1000").WaitAsync(deadline.Token);
                return new RedisProcess(process, connection);
            }
            catch (RedisConnectionException) when (!process.HasExited)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
