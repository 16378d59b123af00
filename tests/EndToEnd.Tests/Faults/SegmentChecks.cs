using System.Diagnostics;
using System.Net;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests.Faults;

/// <summary>What the fault tests ask of a live channel: where the encoder is, and whether what Delivery serves is whole.</summary>
internal static partial class SegmentChecks
{
    /// <summary>How many segment numbers ahead <see cref="SegmentUploadingAsync"/> looks (a minute of 2 s segments).</summary>
    private const int ScanAhead = 30;

    /// <summary>The number of the first segment of <paramref name="stream"/> at or after <paramref name="from"/> whose upload is under way with bytes on it.</summary>
    public static async Task<long> SegmentUploadingAsync(OriginHost origin, FfmpegEncoder encoder, int stream, long from, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Assert.False(encoder.Process.HasExited, $"the encoder exited.\n{encoder.Process.Describe()}");
            // Segments lost to a fault never appear: look at a window ahead, not only at the next number.
            for (var number = from; number < from + ScanAhead; number++)
            {
                if (await CurrentMetaOrNullAsync(origin, encoder.SegmentPath(stream, number)) is { State: ObjectState.Uploading, Chunks: > 0 })
                {
                    return number;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"no segment of stream {stream} from {from} on was uploading within {timeout.TotalSeconds:0} s.\n{encoder.Process.Describe()}");
    }

    /// <summary>The meta of the current version, or null when there is none or Redis cannot be reached right now.</summary>
    public static async Task<ObjectMeta?> CurrentMetaOrNullAsync(OriginHost origin, string path)
    {
        try
        {
            return await origin.CurrentMetaAsync(path);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// GETs <paramref name="path"/> from Delivery: a 200 must be a whole segment (its Content-Length or chunked
    /// end matching the bytes, which tile exactly into MP4 boxes), a reset or a 404 is fine. Returns the status, or 0 for a reset.
    /// </summary>
    public static async Task<int> GetWholeOrNothingAsync(OriginHost origin, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await origin.Delivery.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return 0;
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (int)response.StatusCode;
            }

            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // Reset mid-body: the viewer knows it is incomplete. That is the required behaviour.
                return 0;
            }

            if (response.Content.Headers.ContentLength is { } length)
            {
                Assert.True(length == body.Length, $"{path}: Content-Length {length}, body {body.Length} bytes");
            }

            var boxes = Mp4Boxes.TopLevel(body);
            Assert.True(boxes.Any(box => box.Type == "mdat"), $"{path}: served as complete without an mdat: {string.Join(' ', boxes.Select(box => box.Type))}");
            return 200;
        }
    }

    /// <summary>
    /// Asserts that ffmpeg decodes <paramref name="segment"/> after <paramref name="init"/> without an error (what a player
    /// appends to its buffer); returns the frames or audio packets it decoded.
    /// </summary>
    public static async Task<int> DecodesAsync(byte[] init, byte[] segment, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cmaforigin-segment-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(file, [.. init, .. segment], cancellationToken);
        try
        {
            var (exitCode, output, error) = await MediaTool.RunAsync(
                "ffprobe", ["-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", file], cancellationToken);
            Assert.True(exitCode == 0 && error.Length == 0, $"ffprobe could not decode the segment ({segment.Length} bytes): {error}");
            var frames = int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(frames > 0, "ffprobe decoded no frame of the segment");
            return frames;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Status of a GET that must answer within <paramref name="within"/> (no hang), and how long it took.</summary>
    public static async Task<(int Status, TimeSpan Took, string? RetryAfter)> StatusWithinAsync(HttpClient client, string path, TimeSpan within, CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .WaitAsync(within, cancellationToken);
        return ((int)response.StatusCode, took.Elapsed, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>The paths of every media segment of <paramref name="channel"/> that has a current version on Redis now, in order.</summary>
    public static async Task<IReadOnlyList<string>> StoredSegmentsAsync(OriginHost origin, string channel)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in await origin.StoredKeysAsync(channel))
        {
            var match = CurrentSegmentKey().Match(key);
            if (match.Success)
            {
                names.Add(match.Groups["name"].Value);
            }
        }

        return [.. names.Select(name => $"/{channel}/{name}")];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@":(?<name>chunk-stream\d+-\d+\.m4s):current$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CurrentSegmentKey();
}
