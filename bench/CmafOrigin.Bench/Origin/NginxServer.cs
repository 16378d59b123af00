using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Bench.Origin;

/// <summary>
/// Debian's nginx serving files from disk on a free loopback port: the reference for completed-segment throughput.
/// Its own prefix, config and temp paths; not a daemon, so it is the tool's child and dies with it.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    private readonly string _directory;
    private ChildProcess? _master;

    private NginxServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
        Uri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    public int Port { get; }

    public Uri Uri { get; }

    /// <summary>Where files to serve go (the document root).</summary>
    public string Root => Path.Combine(_directory, "www");

    /// <summary>Master and workers.</summary>
    public IEnumerable<int> Pids => _master is null ? [] : [_master.Pid, .. ProcStats.Children(_master.Pid)];

    public static NginxServer Create()
    {
        // Under /tmp and world-readable: the workers run as an unprivileged user when the tool runs as root.
        var directory = Directory.CreateTempSubdirectory("cmaf-bench-nginx-").FullName;
        var server = new NginxServer(directory, FreePort.Next());
        foreach (var sub in new[] { "www", "tmp", "logs" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        foreach (var path in new[] { directory, server.Root })
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        return server;
    }

    public void AddFile(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        for (var d = directory; d.Length > Root.Length; d = Path.GetDirectoryName(d)!)
        {
            File.SetUnixFileMode(d, (UnixFileMode)0b111_101_101);
        }

        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    public async Task StartAsync(string logDirectory, CancellationToken cancellationToken)
    {
        var config = Path.Combine(_directory, "nginx.conf");
        var tmp = Path.Combine(_directory, "tmp");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process on;
            worker_processes 2;
            pid {{_directory}}/nginx.pid;
            error_log {{_directory}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              sendfile on;
              tcp_nopush on;
              tcp_nodelay on;
              keepalive_requests 1000000;
              keepalive_timeout 300s;
              types { video/iso.segment m4s; application/dash+xml mpd; }
              default_type application/octet-stream;
              client_body_temp_path {{tmp}}/body;
              proxy_temp_path {{tmp}}/proxy;
              fastcgi_temp_path {{tmp}}/fastcgi;
              uwsgi_temp_path {{tmp}}/uwsgi;
              scgi_temp_path {{tmp}}/scgi;
              server {
                listen 127.0.0.1:{{Port.ToString(CultureInfo.InvariantCulture)}};
                root {{Root}};
                location / { }
              }
            }
            """, cancellationToken);
        var start = new ProcessStartInfo("/usr/sbin/nginx");
        foreach (var arg in new[] { "-p", _directory, "-c", config, "-e", Path.Combine(_directory, "logs", "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        _master = ChildProcess.Start("nginx", start, logDirectory);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10) && !_master.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is not null)
        {
            // Killing the master's process tree takes its workers with it.
            await _master.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
