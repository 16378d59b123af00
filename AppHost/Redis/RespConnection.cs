using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// One connection to a local redis-server, speaking just enough RESP for the AppHost's own commands (PING, CLUSTER,
/// INFO): so the AppHost needs no Redis client, and a client's cluster mode never second-guesses a cluster being formed.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    /// <summary>Long enough for a busy machine, short enough that a stopped node never stalls a health check.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    private RespConnection(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream());
    }

    public int Port { get; private init; }

    /// <exception cref="SocketException">Nothing listens on <paramref name="port"/>.</exception>
    /// <exception cref="IOException">The connection was not made in time.</exception>
    public static async Task<RespConnection> OpenAsync(int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return new RespConnection(client) { Port = port };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new IOException($"no connection to redis-server on port {port} within {CommandTimeout.TotalSeconds:0} s");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply: a status, an integer (as text) or a bulk string.</summary>
    /// <exception cref="RedisErrorException">The server answered with an error.</exception>
    /// <exception cref="IOException">The connection failed, or the reply did not come in time.</exception>
    public async Task<string> CommandAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await _stream.WriteAsync(Encode(arguments), timeout.Token);
            await _stream.FlushAsync(timeout.Token);
            return await ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"redis-server on port {Port} did not answer {arguments[0]} within {CommandTimeout.TotalSeconds:0} s");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] Encode(string[] arguments)
    {
        var command = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            command.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }

        return Encoding.UTF8.GetBytes(command.ToString());
    }

    private async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        switch (line[0])
        {
            case '+' or ':':
                return line[1..];
            case '-':
                throw new RedisErrorException(line[1..]);
            case '$':
                var length = int.Parse(line.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return string.Empty;
                }

                var bulk = new byte[length + 2];
                await _stream.ReadExactlyAsync(bulk, cancellationToken);
                return Encoding.UTF8.GetString(bulk, 0, length);
            default:
                throw new IOException($"redis-server on port {Port} sent a reply this client does not read: '{line}'");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>(64);
        var one = new byte[1];
        while (true)
        {
            await _stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                return Encoding.UTF8.GetString([.. line[..^1]]);
            }

            line.Add(one[0]);
        }
    }
}
