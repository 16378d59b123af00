using CmafOrigin.Contracts.Paths;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Manifests;
using CmafOrigin.Delivery.Reports;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>Sends a complete version whole: its bytes from memory, with validators, conditional GET and byte ranges.</summary>
internal sealed class CompletedObjectSender(
    CompletedObjectCache completed,
    MpdRewriter mpds,
    CachePolicy cachePolicy,
    DeliveryMetrics metrics,
    TimeProvider time)
{
    public async Task<ViewerOutcome> SendAsync(HttpContext context, ObjectVersion version, ObjectKind kind, long started, ChannelTally tally)
    {
        var body = kind == ObjectKind.Manifest && version.Path.Extension == ".mpd" && mpds.RewritesMpds
            ? await completed.GetAsync(version, mpds.Variant(context.Request), stored => mpds.Rewrite(stored, context.Request))
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
}
