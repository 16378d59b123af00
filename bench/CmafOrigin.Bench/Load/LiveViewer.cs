using System.Globalization;
using System.Net;
using CmafOrigin.Bench.Measure;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// A low-latency player's segment loop: fetch the init segment once, then request segment N+1 the moment N ends
/// (before it exists: Delivery holds the request until the upload starts) and read it while it is written.
/// Every byte is checked against what the encoder sent; the time each chunk's last byte arrived is kept.
/// </summary>
internal sealed class LiveViewer(HttpClient http, Uri delivery, LiveUpload upload, ErrorCounts errors)
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public LiveUpload Upload => upload;

    public List<ViewedSegment> Segments { get; } = [];

    public long BytesReceived { get; private set; }

    public async Task RunAsync(long startAt, int segments, CancellationToken cancellationToken)
    {
        await BenchClock.DelayUntilAsync(startAt, cancellationToken);
        await FetchInitAsync(cancellationToken);
        for (var number = 1; number <= segments && !cancellationToken.IsCancellationRequested; number++)
        {
            await FetchSegmentAsync(number, cancellationToken);
        }
    }

    /// <summary>A viewer that joins a running channel: the init segment, then segments <paramref name="first"/> to <paramref name="last"/>.</summary>
    public async Task FollowAsync(int first, int last, CancellationToken cancellationToken)
    {
        await FetchInitAsync(cancellationToken);
        for (var number = first; number <= last && !cancellationToken.IsCancellationRequested; number++)
        {
            await FetchSegmentAsync(number, cancellationToken);
        }
    }

    private async Task FetchInitAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(delivery, upload.InitPath), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"viewer_init_status_{(int)response.StatusCode}", upload.InitPath);
            }
            else if (!body.AsSpan().SequenceEqual(upload.Rendition.Init))
            {
                errors.Add("viewer_init_mismatch", upload.InitPath);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Add("viewer_init_exception", ex.Message);
        }
    }

    private async Task FetchSegmentAsync(int number, CancellationToken cancellationToken)
    {
        var path = upload.SegmentPath(number);
        var segment = upload.Template(number);
        var requested = BenchClock.Now;
        try
        {
            // A segment takes 2 s; a request waits at most 3 s for its upload to start. Anything beyond is a hang.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(delivery, path));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var headers = BenchClock.Now;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"viewer_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", path);
                return;
            }

            var received = new long[segment.MediaChunkEnds.Length];
            long offset = 0;
            var chunk = 0;
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            while (true)
            {
                var read = await body.ReadAsync(_buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                var now = BenchClock.Now;
                if (offset + read > segment.Bytes.Length || !_buffer.AsSpan(0, read).SequenceEqual(segment.Bytes.AsSpan((int)offset, read)))
                {
                    errors.Add("viewer_mismatch", path);
                    return;
                }

                offset += read;
                BytesReceived += read;
                while (chunk < received.Length && segment.MediaChunkEnds[chunk] <= offset)
                {
                    received[chunk++] = now;
                }
            }

            if (offset != segment.Bytes.Length)
            {
                errors.Add("viewer_truncated", $"{path}: {offset} of {segment.Bytes.Length} bytes");
                return;
            }

            Segments.Add(new ViewedSegment(path, number, requested, headers, received));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Add($"viewer_{ex.GetType().Name}", $"{path}: {ex.Message}");
        }
    }
}

/// <summary>One segment a viewer received whole: when it asked, when the response head came, when each CMAF chunk's last byte came.</summary>
internal sealed record ViewedSegment(string Path, int Number, long Requested, long HeadersReceived, long[] ChunksReceived);
