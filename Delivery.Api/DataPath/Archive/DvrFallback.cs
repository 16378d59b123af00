using System.Globalization;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// With a DVR window (<see cref="DeliveryOptions.DvrWindow"/>), answers a request for a media segment Redis no longer
/// holds (expired by retention, or deleted by the encoder's window trimming) from the run the archive is writing.
/// </summary>
/// <remarks>
/// 1. Find: the channel's live run (<see cref="LiveRuns"/>) and the name in its tracks' journals. Not there: not ours,
///    and the object responder waits for an upload as it always did.
/// 2. Older than Redis: the track's newest segment started (<c>seg:&lt;track&gt;</c> in the channel hash) is past it, so
///    a request for a segment not uploaded yet keeps its early-request wait; and its upload began in the channel's
///    current run, so a restarted encoder's names (numbered from 1 again) never reach an earlier run's bytes.
/// 3. Window: it ended no longer than the window ago (wall clock through the run's media time zero, else behind the
///    track's newest journaled segment). Older: 404 at once, nothing will be uploaded there.
/// 4. Send: its bytes from the track's live file, with Content-Length and ranges, and the headers its Redis copy had:
///    content type, the version as ETag, immutable for the time it has left in the window.
/// </remarks>
internal sealed class DvrFallback(
    LiveRuns runs,
    ObjectReader reader,
    CachePolicy cachePolicy,
    DeliveryMetrics metrics,
    DeliveryTallies tallies,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DvrFallback> logger)
{
    private readonly TimeSpan _window = options.Value.DvrWindow;

    /// <summary>True when the request was answered from the archive (or refused as older than the window); false to carry on as without DVR.</summary>
    public async Task<bool> TryAnswerAsync(HttpContext context, ObjectPath path, ObjectKind kind, long started)
    {
        // 1. Find
        if (_window <= TimeSpan.Zero || kind != ObjectKind.Media || runs.Find(path.Channel) is not { } run || !run.TryFind(path.Name, out var location))
        {
            return false;
        }

        // 2. Older than Redis
        var progress = await reader.TrackProgressAsync(path.Channel, location.Track.Id);
        if (progress is not { LatestSegment: { } latest, ChannelStarted: { } channelStarted }
            || location.Segment.Number >= latest
            || !TryGetUploadStart(location.Segment.Version, out var uploadStarted)
            || uploadStarted < channelStarted)
        {
            return false;
        }

        // 3. Window
        if (TimeLeftInWindow(location) is not { } left)
        {
            return false;
        }

        if (left <= TimeSpan.Zero)
        {
            context.Response.Headers.CacheControl = cachePolicy.NotFound;
            await Results.Problem(detail: "the segment is older than the DVR window", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
            return true;
        }

        // 4. Send
        await SendAsync(context, path, location, left, started);
        return true;
    }

    private async Task SendAsync(HttpContext context, ObjectPath path, ArchivedSegmentLocation location, TimeSpan left, long started)
    {
        var segment = location.Segment;
        FileWindowStream? body = null;
        try
        {
            var file = File.OpenHandle(location.LiveFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            body = new FileWindowStream(file, segment.Offset, segment.Size);
            if (RandomAccess.GetLength(file) < segment.End)
            {
                // The journal is written after the bytes: a shorter file is not the one it describes.
                await body.DisposeAsync();
                body = null;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Most likely the run became final meanwhile, and its live file was replaced by the final one.
        }

        if (body is null)
        {
            context.Response.Headers.CacheControl = cachePolicy.NotFound;
            await Results.Problem(detail: "the archive no longer holds this segment's live file", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
            return;
        }

        var tally = tallies.ViewerStarted(path.Channel);
        try
        {
            await using (body)
            {
                ArchiveLog.ServedFromArchive(logger, path.Value, location.Run.Run.Id);
                MediaTypes.TryGet(path, out var contentType, out _);
                context.Response.Headers.CacheControl = cachePolicy.ForCompleted(path, ObjectKind.Media, left);
                metrics.FirstByte(time.GetElapsedTime(started));
                // The ETag its Redis copy had (a completed version's id): a cache revalidating it gets a 304 either way.
                await TypedResults.Stream(body, contentType, entityTag: new EntityTagHeaderValue($"\"{segment.Version}\""), enableRangeProcessing: true)
                    .ExecuteAsync(context);
            }

            if (!HttpMethods.IsHead(context.Request.Method))
            {
                metrics.Delivered(context.Response.ContentLength ?? 0);
                tally.Delivered(context.Response.ContentLength ?? 0);
            }
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            ArchiveLog.ReadFailed(logger, e, path.Value, location.Run.Run.Id);
            if (context.Response.HasStarted)
            {
                // Bytes are out: only a reset tells the viewer the segment is incomplete.
                metrics.ResponseAborted();
                context.Abort();
                return;
            }

            context.Response.Headers.RetryAfter = "1";
            await Results.Problem(detail: "the archive could not be read", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
        finally
        {
            tally.RemoveViewer();
        }
    }

    /// <summary>How long the segment stays within the window from now; null when its run does not say (no timescale).</summary>
    private TimeSpan? TimeLeftInWindow(ArchivedSegmentLocation location)
    {
        var timescale = location.Track.Timescale;
        if (timescale == 0)
        {
            return null;
        }

        var end = location.Segment.DecodeTime + location.Segment.Duration;
        if (location.Run.Run.MediaTimeZero is { } zero)
        {
            return zero + TimeSpan.FromSeconds((double)end / timescale) + _window - time.GetUtcNow();
        }

        return _window - TimeSpan.FromSeconds((double)(location.NewestEnd - end) / timescale);
    }

    /// <summary>
    /// When an upload began, from its version id: Ingest writes the start in Unix milliseconds, in hex, then 8 hex digits
    /// of randomness (<c>Ingest.Api/DataPath/Storage/VersionIds.cs</c>; the channel's <c>started</c> is the same clock).
    /// </summary>
    private static bool TryGetUploadStart(string version, out DateTimeOffset began)
    {
        began = default;
        if (version.Length <= 8
            || !long.TryParse(version.AsSpan(0, version.Length - 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds is < 0 or > 253_402_300_799_999)
        {
            return false;
        }

        began = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }
}
