using System.Globalization;
using System.Net;
using CmafOrigin.Bench.Measure;

namespace CmafOrigin.Bench.Load;

/// <summary>
/// An hls.js-like LL-HLS viewer of one rendition: a blocking playlist reload for the part after the newest it knows
/// (<c>_HLS_msn</c>/<c>_HLS_part</c>), then a GET of each part the answer newly lists, read whole. Keeps when each part was
/// first announced to it. Parts are fetched once listed, not ahead through the preload hint.
/// </summary>
internal sealed class HlsViewer(HttpClient http, Uri delivery, LiveUpload upload, ErrorCounts errors)
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public LiveUpload Upload => upload;

    /// <summary>Each part (segment number, index in it) and when the playlist that first listed it was answered.</summary>
    public List<(int Msn, int Part, long Answered)> Announced { get; } = [];

    public long BytesReceived { get; private set; }

    public async Task RunAsync(long startAt, int segments, CancellationToken cancellationToken)
    {
        await BenchClock.DelayUntilAsync(startAt, cancellationToken);
        var playlist = $"/{upload.Channel}/out-llhls-{upload.Rendition.Stream.ToString(CultureInfo.InvariantCulture)}.m3u8";
        (int Msn, int Part)? last = null;
        while (!cancellationToken.IsCancellationRequested && (last?.Msn ?? 0) < segments)
        {
            var query = last is { } known
                ? string.Create(CultureInfo.InvariantCulture, $"?_HLS_msn={known.Msn}&_HLS_part={known.Part + 1}")
                : string.Empty;
            var listed = await ReloadAsync(playlist + query, cancellationToken);
            if (listed is null)
            {
                return;
            }

            var answered = BenchClock.Now;
            foreach (var (msn, part, uri) in listed)
            {
                if (last is null || (msn, part).CompareTo(last.Value) > 0)
                {
                    if (last is not null)
                    {
                        Announced.Add((msn, part, answered));
                        await FetchPartAsync(new Uri(new Uri(delivery, playlist), uri), cancellationToken);
                    }

                    last = (msn, part);
                }
            }
        }
    }

    private async Task<List<(int Msn, int Part, string Uri)>?> ReloadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await http.GetAsync(new Uri(delivery, path), timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"hls_playlist_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", path);
                return null;
            }

            return Parts(text);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Add($"hls_playlist_{ex.GetType().Name}", $"{path}: {ex.Message}");
            return null;
        }
    }

    /// <summary>Every part listed, numbered as the RFC does: the media sequence of its segment and its index there.</summary>
    private static List<(int Msn, int Part, string Uri)> Parts(string playlist)
    {
        var parts = new List<(int, int, string)>();
        int msn = 0, index = 0;
        var afterExtinf = false;
        foreach (var line in playlist.Split('\n'))
        {
            if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
            {
                msn = int.Parse(line.AsSpan(22), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-PART:", StringComparison.Ordinal))
            {
                var uri = line.IndexOf("URI=\"", StringComparison.Ordinal) + 5;
                parts.Add((msn, index++, line[uri..line.IndexOf('"', uri)]));
            }
            else if (line.StartsWith("#EXTINF", StringComparison.Ordinal))
            {
                afterExtinf = true;
            }
            else if (afterExtinf && line.Length > 0 && line[0] != '#')
            {
                (msn, index, afterExtinf) = (msn + 1, 0, false);
            }
        }

        return parts;
    }

    private async Task FetchPartAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            int read;
            while ((read = await body.ReadAsync(_buffer, timeout.Token)) > 0)
            {
                BytesReceived += read;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                errors.Add($"hls_part_status_{((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}", uri.AbsolutePath);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors.Add($"hls_part_{ex.GetType().Name}", $"{uri.AbsolutePath}: {ex.Message}");
        }
    }
}
