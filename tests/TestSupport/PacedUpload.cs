using System.Net;
using System.Threading.Channels;

namespace CmafOrigin.TestSupport;

/// <summary>
/// An upload the test paces itself, like an encoder writing one CMAF chunk at a time:
/// each <see cref="SendAsync"/> returns once that piece is written and flushed to the socket.
/// </summary>
public sealed class PacedUpload : IAsyncDisposable
{
    private readonly Channel<(byte[] Piece, TaskCompletionSource Sent)> _pieces = Channel.CreateUnbounded<(byte[], TaskCompletionSource)>();
    private readonly CancellationTokenSource _abort = new();
    private readonly Task<HttpResponseMessage> _response;

    private PacedUpload(HttpClient client, string path, HttpMethod method, long? contentLength)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new PacedContent(this, contentLength),
        };
        if (contentLength is null)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        _response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _abort.Token);
    }

    /// <summary>Starts a PUT (or <paramref name="method"/>) of <paramref name="path"/>; chunked unless <paramref name="contentLength"/> is given.</summary>
    public static PacedUpload Start(HttpClient client, string path, long? contentLength = null, HttpMethod? method = null) =>
        new(client, path, method ?? HttpMethod.Put, contentLength);

    /// <summary>Sends one piece and returns when it is on the wire.</summary>
    public async Task SendAsync(byte[] piece, CancellationToken cancellationToken)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _pieces.Writer.WriteAsync((piece, sent), cancellationToken);
        await Task.WhenAny(sent.Task, _response).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        if (!sent.Task.IsCompleted)
        {
            // The server answered (or the request failed) before taking this piece.
            await _response;
            throw new InvalidOperationException("the upload ended before the piece was sent");
        }
    }

    /// <summary>Ends the body and returns the server's answer.</summary>
    public async Task<HttpResponseMessage> CompleteAsync(CancellationToken cancellationToken)
    {
        _pieces.Writer.TryComplete();
        return await _response.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>The server's answer, whenever it comes (e.g. a 413 before the body ends).</summary>
    public Task<HttpResponseMessage> Response => _response;

    /// <summary>Drops the connection mid-body, as a crashing encoder would.</summary>
    public async Task AbortAsync()
    {
        await _abort.CancelAsync();
        _pieces.Writer.TryComplete();
        try
        {
            (await _response).Dispose();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_response.IsCompleted)
        {
            await AbortAsync();
        }

        _abort.Dispose();
    }

    private sealed class PacedContent(PacedUpload upload, long? length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await foreach (var (piece, sent) in upload._pieces.Reader.ReadAllAsync(cancellationToken))
            {
                await stream.WriteAsync(piece, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                sent.TrySetResult();
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long computed)
        {
            computed = length ?? 0;
            return length is not null;
        }
    }
}
