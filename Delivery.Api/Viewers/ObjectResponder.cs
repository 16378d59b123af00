using System.Buffers;
using System.Diagnostics;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Manifests;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>Answers a viewer's GET or HEAD for an object.</summary>
internal sealed class ObjectResponder(
    ObjectReader reader,
    CompletedObjectCache completed,
    LiveFeedHub hub,
    UploadStartSignals startSignals,
    CachePolicy cachePolicy,
    ViewerSlots slots,
    DeliveryMetrics metrics,
    DeliveryTallies tallies,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<ObjectResponder> logger)
{
    /// <summary>What a viewer may have written and not yet flushed: Kestrel's default response buffer (64 KiB).</summary>
    private const int FlushBytes = 64 * 1024;

    private readonly DeliveryOptions _options = options.Value;

    /// <remarks>
    /// 1. Parse the path from the raw target (nothing is decoded or normalised into another path).
    /// 2. Bind the request to the current version; if there is none yet, wait a moment for an upload to start.
    /// 3. A manifest still uploading is waited for: manifests are served whole (a player needs the whole document,
    ///    and the UTCTiming rewrite works on it), and one uploads in milliseconds.
    /// 4. Complete version: sent whole, with validators, conditional GET and byte ranges.
    /// 5. Segment still uploading: follow its feed with chunked transfer, each chunk flushed as it arrives;
    ///    end when the upload ends, reset the connection if the upload aborts.
    /// </remarks>
    public async Task RespondAsync(HttpContext context)
    {
        var cancellation = context.RequestAborted;
        var started = time.GetTimestamp();

        // 1. Parse
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ObjectPath.TryParse(rawTarget, out var path, out var error))
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        if (!MediaTypes.TryGet(path, out _, out var kind))
        {
            // Ingest never stores this type (a browser's /favicon.ico, say): no upload to wait for.
            await WriteNotFoundAsync(context, $"'{path.Extension}' is not a media type this origin serves");
            return;
        }

        if (!slots.TryEnter())
        {
            // Decided before anything is read: a full process sheds load at the cost of one counter.
            ViewerLog.Refused(logger, path.Value, slots.Open);
            metrics.ViewerRefused();
            context.Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "this origin is serving as many viewers as it may");
            return;
        }

        metrics.ViewerStarted();
        // A channel is tallied only once something of it is found: names a client invents never reach the reports.
        ChannelTally? tally = null;
        try
        {
            // 2. Bind
            var version = await reader.ResolveAsync(path) ?? await WaitForUploadAsync(path, cancellation);

            // 3. Whole manifests
            if (version is { Meta.State: ObjectState.Uploading } && kind == ObjectKind.Manifest)
            {
                version = await WaitForCompletionAsync(version, cancellation);
            }

            if (version is null)
            {
                await WriteNotFoundAsync(context, "nothing is stored at this path");
                return;
            }

            tally = tallies.ViewerStarted(path.Channel);
            LinkToUpload(version);
            context.Response.ContentType = version.Meta.ContentType;
            var outcome = version.Meta.State == ObjectState.Complete
                ? await SendCompletedAsync(context, version, kind, started, tally)   // 4. Complete
                : await FollowAsync(context, version, kind, started, tally);          // 5. Uploading

            switch (outcome)
            {
                case ViewerOutcome.Gone when !context.Response.HasStarted:
                    await WriteNotFoundAsync(context, "the object is no longer stored");
                    break;
                case ViewerOutcome.Gone or ViewerOutcome.UploadAborted:
                    // Headers (and maybe bytes) are out: only a reset tells the viewer the object is incomplete.
                    ViewerLog.Aborted(logger, path.Value, version.Version, outcome);
                    metrics.ResponseAborted();
                    context.Abort();
                    break;
                case ViewerOutcome.TooSlow:
                    // A reset, never a clean end: what it got so far must not pass for the whole object.
                    ViewerLog.TooSlow(logger, path.Value, _options.ViewerWriteTimeout.TotalSeconds);
                    metrics.ViewerDisconnected();
                    context.Abort();
                    break;
                case ViewerOutcome.ViewerGone:
                    ViewerLog.ViewerGone(logger, path.Value);
                    break;
                default:
                    break;
            }
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            ViewerLog.StorageFailed(logger, ex, path.Value);
            metrics.StorageFailed();
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "storage is unavailable");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            ViewerLog.ViewerGone(logger, path.Value);
        }
        finally
        {
            metrics.ViewerEnded();
            tally?.RemoveViewer();
            slots.Leave();
        }
    }

    /// <summary>The delivery span links to the upload span that produced these bytes (its trace context is stored with the version).</summary>
    private static void LinkToUpload(ObjectVersion version)
    {
        if (Activity.Current is not { } activity)
        {
            return;
        }

        activity.SetTag("cmaforigin.path", version.Path.Value).SetTag("cmaforigin.version", version.Version);
        if (ActivityContext.TryParse(version.Meta.TraceParent, null, out var upload))
        {
            activity.AddLink(new ActivityLink(upload));
        }
    }

    private async Task<ObjectVersion?> WaitForUploadAsync(ObjectPath path, CancellationToken cancellation)
    {
        // Register, then look again with a lookup of our own (none begun before the registration), so an
        // upload starting in between is not missed.
        using var registration = startSignals.Register(path.Value);
        var version = await reader.ResolveAsync(path, notBefore: time.GetTimestamp());
        if (version is not null)
        {
            return version;
        }

        long signalled;
        try
        {
            signalled = await registration.Started.WaitAsync(_options.EarlyRequestWait, time, cancellation);
        }
        catch (TimeoutException)
        {
            return null;
        }

        // Every waiter woken by this start shares one lookup begun after it.
        return await reader.ResolveAsync(path, notBefore: signalled);
    }

    /// <summary>
    /// Waits for a manifest's upload to end, then binds to whatever is current (the new version, or the one
    /// before if it aborted). One still uploading after the wait is passed over for the version it replaces.
    /// </summary>
    private async Task<ObjectVersion?> WaitForCompletionAsync(ObjectVersion version, CancellationToken cancellation)
    {
        var feed = hub.Attach(version);
        try
        {
            using var deadline = new CancellationTokenSource(_options.EarlyRequestWait, time);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellation, deadline.Token);
            while (feed.Snapshot() is { State: FeedState.Live } snapshot)
            {
                await snapshot.Changed.WaitAsync(waiting.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            await hub.DetachAsync(feed);
        }

        var current = await reader.ResolveAsync(version.Path);
        if (current is { Meta.State: ObjectState.Complete })
        {
            return current;
        }

        return current?.Meta.Previous is { } previous && await reader.GetVersionAsync(version.Path, previous) is { Meta.State: ObjectState.Complete } replaced
            ? replaced
            : null;
    }

    private async Task<ViewerOutcome> SendCompletedAsync(HttpContext context, ObjectVersion version, ObjectKind kind, long started, ChannelTally tally)
    {
        var body = kind == ObjectKind.Manifest && version.Path.Extension == ".mpd" && _options.UtcTiming != UtcTimingMode.Keep
            ? await completed.GetAsync(version, TimeUrl(context.Request), stored => UtcTimingRewriter.Rewrite(stored, TimeUrl(context.Request), _options.UtcTiming))
            : await completed.GetAsync(version, string.Empty, static stored => stored);
        if (body is null)
        {
            return ViewerOutcome.Gone;
        }

        context.Response.Headers.CacheControl = cachePolicy.ForCompleted(version.Path, kind, version.TimeToLive);
        metrics.FirstByte(time.GetElapsedTime(started));
        // The framework's file result does conditional requests (304, 412), ranges (206, 416) and HEAD right.
        await TypedResults.Bytes(
                body.Bytes,
                version.Meta.ContentType,
                enableRangeProcessing: true,
                lastModified: version.Meta.UpdatedAt,
                entityTag: new EntityTagHeaderValue(body.EntityTag))
            .ExecuteAsync(context);
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            metrics.Delivered(context.Response.ContentLength ?? 0);
            tally.Delivered(context.Response.ContentLength ?? 0);
        }

        return context.RequestAborted.IsCancellationRequested ? ViewerOutcome.ViewerGone : ViewerOutcome.Completed;
    }

    private async Task<ViewerOutcome> FollowAsync(HttpContext context, ObjectVersion version, ObjectKind kind, long started, ChannelTally tally)
    {
        var response = context.Response;
        response.Headers.CacheControl = cachePolicy.ForInProgress(kind, version.TimeToLive);
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

    /// <summary>This origin's /time as the player reached it (through whatever host name or proxy).</summary>
    private static string TimeUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/time";

    private Task WriteNotFoundAsync(HttpContext context, string detail)
    {
        context.Response.Headers.CacheControl = cachePolicy.NotFound;
        return WriteProblemAsync(context, StatusCodes.Status404NotFound, detail);
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
}
