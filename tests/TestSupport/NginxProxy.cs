using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Debian's nginx (<c>apt-get install -y nginx</c>) in front of Delivery instances, with the project's own
/// <c>docs/nginx/delivery.conf</c> as its configuration: only the listen port and the upstream servers are replaced.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _master;

    private NginxProxy(string directory, int port)
    {
        _directory = directory;
        Uri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    public Uri Uri { get; }

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : string.Empty;

    public static async Task<NginxProxy> StartAsync(IEnumerable<Uri> deliveries, CancellationToken cancellationToken)
    {
        // Under /tmp and world-readable: nginx's workers run as an unprivileged user when the tests run as root.
        var directory = Directory.CreateTempSubdirectory("cmaforigin-nginx-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        var proxy = new NginxProxy(directory, FreePort.Next());
        var port = proxy.Uri.Port.ToString(CultureInfo.InvariantCulture);
        var documented = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "nginx", "delivery.conf"), cancellationToken);
        var servers = string.Concat(deliveries.Select(d => $"    server {d.Host}:{d.Port.ToString(CultureInfo.InvariantCulture)};\n"));
        var site = ListenLine().Replace(UpstreamServers().Replace(documented, servers, 1), $"listen 127.0.0.1:{port};", 1);
        await File.WriteAllTextAsync(Path.Combine(directory, "site.conf"), site, cancellationToken);
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process on;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              include {{directory}}/site.conf;
            }
            """, cancellationToken);
        var start = new ProcessStartInfo("/usr/sbin/nginx") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", directory, "-c", config, "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            proxy._master = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("nginx is not installed: apt-get install -y nginx", e);
        }

        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", proxy.Uri.Port, cancellationToken);
                return proxy;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && proxy._master is { HasExited: false })
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                var log = proxy.ErrorLog;
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"nginx did not start: {log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is { HasExited: false })
        {
            _master.Kill(entireProcessTree: true);
            await _master.WaitForExitAsync();
        }

        _master?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string RepositoryRoot()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "CmafOrigin.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("CmafOrigin.sln not found above the test's directory");
    }

    [GeneratedRegex(@"(    server [^\n]*;\n)+")]
    private static partial Regex UpstreamServers();

    [GeneratedRegex(@"listen \d+;")]
    private static partial Regex ListenLine();
}
