using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.AppHost;

/// <summary>A throw-away redis-server on a free loopback port: no persistence, its own temp directory, deleted when it exits.</summary>
internal static class RedisServer
{
    private const string DirectoryPrefix = "cmaf-apphost-redis-";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    /// <returns>The connection string of the started server.</returns>
    public static async Task<string> StartAsync(Supervisor supervisor, CancellationToken cancellationToken)
    {
        var executable = Executable.Require("redis-server", "redis-server");
        var port = FreePort.Pick();
        DeleteDirectoriesOfDeadAppHosts();
        // Named after this AppHost, so that a later one can tell when it was left behind by a hard kill.
        var directory = Directory.CreateTempSubdirectory($"{DirectoryPrefix}{Environment.ProcessId}-").FullName;
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            ArgumentList =
            {
                "--bind", "127.0.0.1",
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--save", string.Empty,
                "--appendonly", "no",
                "--dir", directory,
            },
        };

        try
        {
            supervisor.Start("redis", startInfo, afterExit: () => Directory.Delete(directory, recursive: true));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }

        await WaitForPongAsync(port, cancellationToken);
        return $"127.0.0.1:{port}";
    }

    /// <summary>Removes the directories of AppHosts killed too hard to clean up (SIGKILL: Redis died with them, its directory did not).</summary>
    private static void DeleteDirectoriesOfDeadAppHosts()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var owner = Path.GetFileName(directory).AsSpan(DirectoryPrefix.Length);
            var dash = owner.IndexOf('-');
            if (dash > 0
                && int.TryParse(owner[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && !IsRunning(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Someone else's, or being deleted by another AppHost right now.
                }
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Speaks just enough RESP to ask <c>PING</c>, so AppHost needs no Redis client package.</summary>
    private static async Task WaitForPongAsync(int port, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            while (!await AnswersPingAsync(port, deadline.Token))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AppHostException($"redis-server did not answer PING on port {port} within {StartTimeout.TotalSeconds:0} s");
        }
    }

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            // "-LOADING" while it starts up; "+PONG" once it serves.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
