using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Playback;
using CmafOrigin.Delivery.Status;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Apis;

/// <summary>
/// The live status page: <c>/status</c>, its files under <c>/status/</c>, and <c>/status/events</c>, a server-sent
/// event stream of one snapshot per tick. Exact routes, so they win over the object catch-all.
/// </summary>
internal static class StatusApi
{
    public const string Path = "/status";

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var status = app.ServiceProvider.GetRequiredService<IOptions<StatusOptions>>().Value;
        var signedPlayback = app.ServiceProvider.GetRequiredService<IOptions<SignedPlaybackOptions>>().Value;
        if (!(status.StatusPage ?? !signedPlayback.Enabled))
        {
            // Not mapped at all: /status is then just a path without a media type (404), or needs a token.
            return app;
        }

        app.MapEmbeddedFiles(Path, StatusAssets.All);
        app.MapGet($"{Path}/events", StreamAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>Writes every snapshot as it is built, the same bytes for every page, until the page goes away.</summary>
    private static async Task StreamAsync(HttpContext context, StatusFeed feed)
    {
        var cancellation = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        // Proxies that buffer (nginx) are told not to: a snapshot is only worth anything at once.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var watching = feed.Watch();
        try
        {
            await response.StartAsync(cancellation);
            // Not the snapshot left from before a quiet spell: the first one this page gets is fresh.
            var seen = watching.After;
            while (!cancellation.IsCancellationRequested)
            {
                var frame = await feed.NextAsync(seen, cancellation);
                seen = frame.Version;
                var flush = await response.BodyWriter.WriteAsync(frame.Event, cancellation);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The page closed.
        }
    }
}
