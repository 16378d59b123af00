using System.Buffers;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>Answers a viewer's GET or HEAD for an object.</summary>
internal sealed class ObjectResponder(
    ObjectReader reader,
    LiveFeedHub hub,
    UploadStartSignals startSignals,
    IOptions<DeliveryOptions> options,
    ILogger<ObjectResponder> logger)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <remarks>
    /// 1. Parse the path from the raw target (nothing is decoded or normalised into another path).
    /// 2. Bind the request to the current version; if there is none yet, wait a moment for an upload to start.
    /// 3. Complete version: send it whole with Content-Length.
    /// 4. Version still uploading: follow its feed with chunked transfer, each chunk flushed as it arrives;
    ///    end when the upload ends, abort the connection if the upload aborts.
    /// </remarks>
    public async Task RespondAsync(HttpContext context)
    {
        var cancellation = context.RequestAborted;
        context.Response.Headers.AccessControlAllowOrigin = "*";

        // 1. Parse
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ObjectPath.TryParse(rawTarget, out var path, out var error))
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        try
        {
            // 2. Bind
            var version = await reader.ResolveAsync(path) ?? await WaitForUploadAsync(path, cancellation);
            if (version is null)
            {
                context.Response.Headers.CacheControl = "no-store";
                await WriteProblemAsync(context, StatusCodes.Status404NotFound, "nothing is stored at this path");
                return;
            }

            context.Response.ContentType = version.Meta.ContentType;
            var outcome = version.Meta.State == ObjectState.Complete
                ? await SendCompletedAsync(context, version)   // 3. Complete
                : await FollowAsync(context, version);          // 4. Uploading

            switch (outcome)
            {
                case ViewerOutcome.Gone when !context.Response.HasStarted:
                    context.Response.Headers.CacheControl = "no-store";
                    await WriteProblemAsync(context, StatusCodes.Status404NotFound, "the object is no longer stored");
                    break;
                case ViewerOutcome.Gone or ViewerOutcome.UploadAborted:
                    // Headers (and maybe bytes) are out: only a reset tells the viewer the object is incomplete.
                    ViewerLog.Aborted(logger, path.Value, version.Version, outcome);
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
    }

    private async Task<ObjectVersion?> WaitForUploadAsync(ObjectPath path, CancellationToken cancellation)
    {
        // Register before looking again, so an upload starting in between is not missed.
        using var registration = startSignals.Register(path.Value);
        var version = await reader.ResolveAsync(path);
        if (version is not null)
        {
            return version;
        }

        try
        {
            await registration.Started.WaitAsync(_options.EarlyRequestWait, cancellation);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return await reader.ResolveAsync(path);
    }

    private async Task<ViewerOutcome> SendCompletedAsync(HttpContext context, ObjectVersion version)
    {
        var response = context.Response;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentLength = version.Meta.Size;
            return ViewerOutcome.Completed;
        }

        var completed = await reader.ReadCompletedAsync(version);
        if (completed is null)
        {
            return ViewerOutcome.Gone;
        }

        response.ContentLength = completed.Size;
        var writer = response.BodyWriter;
        foreach (var piece in completed.Pieces)
        {
            writer.Write(piece.Span);
        }

        var flush = await writer.FlushAsync(context.RequestAborted);
        return flush.IsCanceled || flush.IsCompleted ? ViewerOutcome.ViewerGone : ViewerOutcome.Completed;
    }

    private async Task<ViewerOutcome> FollowAsync(HttpContext context, ObjectVersion version)
    {
        var response = context.Response;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            // The length is not known until the upload ends.
            return ViewerOutcome.Completed;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var feed = hub.Attach(version);
        try
        {
            // Headers go out now: the player knows the segment is coming before its first chunk exists.
            await response.StartAsync(context.RequestAborted);
            var writer = response.BodyWriter;
            var sent = 0;
            while (true)
            {
                var snapshot = feed.Snapshot();
                if (sent < snapshot.Count)
                {
                    // Everything not yet sent goes out in one flush: the backlog at once, then each new chunk.
                    for (; sent < snapshot.Count; sent++)
                    {
                        writer.Write(feed[sent].Span);
                    }

                    var flush = await writer.FlushAsync(context.RequestAborted);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return ViewerOutcome.ViewerGone;
                    }

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
        finally
        {
            await hub.DetachAsync(feed);
        }
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
}
