using CmafOrigin.Contracts.Paths;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>
/// Follows a version still uploading: chunked transfer, its backlog at once, then each chunk flushed as it lands;
/// the outcome says how it ended (complete, aborted upload, viewer gone, viewer too slow).
/// </summary>
internal sealed class LiveObjectFollower(
    LiveFeedHub hub,
    CachePolicy cachePolicy,
    DeliveryMetrics metrics,
    TimeProvider time,
    IOptions<DeliveryOptions> options)
{
    /// <summary>What a viewer may have written and not yet flushed: Kestrel's default response buffer (64 KiB).</summary>
    private const int FlushBytes = 64 * 1024;

    private readonly DeliveryOptions _options = options.Value;

    public async Task<ViewerOutcome> FollowAsync(HttpContext context, ObjectVersion version, ObjectKind kind, long started, ChannelTally tally)
    {
        var response = context.Response;
        response.Headers.CacheControl = cachePolicy.ForInProgress(kind, version.TimeToLive);
        // A proxy that buffers responses (nginx's default) would hand the player the segment whole, at its end:
        // low latency needs each chunk passed on as it comes.
        response.Headers["X-Accel-Buffering"] = "no";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            // The length is not known until the upload ends.
            return ViewerOutcome.Completed;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var feed = hub.Attach(version);
        // Chunks Ingest received before the viewer asked are its backlog; only those after measure pass-through.
        var askedAtMicros = (time.GetUtcNow() - time.GetElapsedTime(started) - DateTimeOffset.UnixEpoch).Ticks / 10;
        // Every write must finish within ViewerWriteTimeout: a viewer whose socket stays full that long cannot
        // keep up. One timer per viewer, re-armed per write (no allocation); never armed while waiting for a chunk.
        // The deadline has a source of its own: cancelling a write makes Kestrel abort the connection, so
        // RequestAborted fires too, and only the deadline's own state tells a slow viewer from a gone one.
        using var writeDeadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, writeDeadline.Token);
        try
        {
            // Headers go out now: the player knows the segment is coming before its first chunk exists.
            await response.StartAsync(context.RequestAborted);
            var writer = response.BodyWriter;
            // StartAsync only commits the headers; Kestrel sends them with the first flush.
            writeDeadline.CancelAfter(_options.ViewerWriteTimeout);
            var headers = await writer.FlushAsync(writes.Token);
            if (headers.IsCanceled || headers.IsCompleted)
            {
                return WhyWriteStopped(writeDeadline);
            }

            writeDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
            var sent = 0;
            while (true)
            {
                var snapshot = feed.Snapshot();
                if (sent < snapshot.Count)
                {
                    // Everything not yet sent goes out at once (the backlog, then each new chunk), flushed
                    // every FlushBytes so a viewer never holds more than that in its buffer: a slow viewer
                    // waits on its own socket and costs no more memory than a fast one.
                    var from = sent;
                    long bytes = 0;
                    for (; sent < snapshot.Count; sent++)
                    {
                        // One HTTP chunk per slice (WriteAsync = copy + flush), not one per 4 KiB pool block as
                        // Write + FlushAsync produces; still at most FlushBytes buffered per viewer.
                        var chunk = snapshot.Chunks[sent].Data;
                        bytes += chunk.Length;
                        while (!chunk.IsEmpty)
                        {
                            var slice = chunk[..Math.Min(chunk.Length, FlushBytes)];
                            chunk = chunk[slice.Length..];
                            writeDeadline.CancelAfter(_options.ViewerWriteTimeout);
                            var flush = await writer.WriteAsync(slice, writes.Token);
                            if (flush.IsCanceled || flush.IsCompleted)
                            {
                                return WhyWriteStopped(writeDeadline);
                            }

                            writeDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
                        }
                    }

                    RecordSent(snapshot.Chunks, from, sent, askedAtMicros, bytes, started, tally);
                    continue;
                }

                switch (snapshot.State)
                {
                    case FeedState.Complete:
                        return ViewerOutcome.Completed;
                    case FeedState.Aborted:
                        return ViewerOutcome.UploadAborted;
                    default:
                        await snapshot.Changed.WaitAsync(context.RequestAborted);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (writeDeadline.IsCancellationRequested)
        {
            return ViewerOutcome.TooSlow;
        }
        finally
        {
            await hub.DetachAsync(feed);
        }
    }

    private static ViewerOutcome WhyWriteStopped(CancellationTokenSource writeDeadline) =>
        writeDeadline.IsCancellationRequested
            ? ViewerOutcome.TooSlow
            : ViewerOutcome.ViewerGone;

    private void RecordSent(FeedChunk[] chunks, int from, int to, long askedAtMicros, long bytes, long started, ChannelTally tally)
    {
        if (from == 0)
        {
            metrics.FirstByte(time.GetElapsedTime(started));
        }

        metrics.Delivered(bytes);
        tally.Delivered(bytes);
        var now = time.GetUtcNow();
        for (var i = from; i < to; i++)
        {
            if (DeliveryMetrics.PassThroughMilliseconds(chunks[i].ReceivedAt, now) is not { } milliseconds)
            {
                continue;
            }

            if (chunks[i].ReceivedAt < askedAtMicros)
            {
                // Its age when the viewer came, not how fast the origin passes chunks on.
                metrics.BacklogSent(milliseconds);
            }
            else
            {
                metrics.PassedThrough(milliseconds);
                tally.PassThrough.Record(milliseconds);
            }
        }
    }
}
