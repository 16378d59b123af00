using System.Diagnostics;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Archive;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>
/// Answers a viewer's GET or HEAD for an object: decides what to serve, then hands it to
/// <see cref="CompletedObjectSender"/> (a complete version) or <see cref="LiveObjectFollower"/> (one still uploading).
/// </summary>
internal sealed class ObjectResponder(
    ObjectReader reader,
    DvrFallback dvr,
    CompletedObjectSender completed,
    LiveObjectFollower live,
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
    private readonly DeliveryOptions _options = options.Value;

    /// <remarks>
    /// 1. Parse the path from the raw target (nothing is decoded or normalised into another path).
    /// 2. Bind the request to the current version. If there is none: a segment older than what Redis holds is answered
    ///    from the archive when a DVR window is set (<see cref="DvrFallback"/>); otherwise wait a moment for an upload to start.
    /// 3. A manifest still uploading is waited for: manifests are served whole (a player needs the whole document,
    ///    and the UTCTiming rewrite works on it), and one uploads in milliseconds.
    /// 4. Complete version: sent whole, with validators, conditional GET and byte ranges (<see cref="CompletedObjectSender"/>).
    /// 5. Segment still uploading: follow its feed with chunked transfer, each chunk flushed as it arrives
    ///    (<see cref="LiveObjectFollower"/>); end when the upload ends, reset the connection if the upload aborts.
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
            var version = await reader.ResolveAsync(path);
            if (version is null && await dvr.TryAnswerAsync(context, path, kind, started))
            {
                return;
            }

            version ??= await WaitForUploadAsync(path, cancellation);

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
                ? await completed.SendAsync(context, version, kind, started, tally)   // 4. Complete
                : await live.FollowAsync(context, version, kind, started, tally);     // 5. Uploading

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

        UploadStart start;
        try
        {
            start = await registration.Started.WaitAsync(_options.EarlyRequestWait, time, cancellation);
        }
        catch (TimeoutException)
        {
            // Pub/sub is at most once (a STARTED published while the subscription moved between nodes is lost): one
            // last look before answering 404.
            return await reader.ResolveAsync(path, notBefore: time.GetTimestamp());
        }

        // Every waiter woken by this start binds to the version that started: as its event describes it (no round trip
        // on the segment's start), or through one lookup of it begun after the event and shared by them all.
        return start.Bound(path) ?? await reader.ResolveAsync(path, notBefore: start.SignalledAt, started: start.Version);
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

    private Task WriteNotFoundAsync(HttpContext context, string detail)
    {
        context.Response.Headers.CacheControl = cachePolicy.NotFound;
        return WriteProblemAsync(context, StatusCodes.Status404NotFound, detail);
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
}
