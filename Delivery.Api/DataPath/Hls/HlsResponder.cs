using System.Text;
using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Viewers;
using Microsoft.AspNetCore.Http.Features;

namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// Answers LL-HLS requests: the multivariant playlist next to a channel's MPD (unless one was uploaded there), media
/// playlists with blocking reload, and parts. Everything else, and an uploaded <c>.m3u8</c>, goes to the object responder.
/// </summary>
/// <remarks>
/// 1. Name: an LL-HLS name (<see cref="HlsNames"/>) or not; an uploaded object at the multivariant name wins.
/// 2. Channel: opened once per process from the MPD and init segments; malformed media → 404 with the reason.
/// 3. Media playlist: 400 for bad directives or a segment more than 2 ahead; hold until the asked part is listed
///    (woken by the rendition's follower, no polling), 503 after 3 target durations.
/// 4. Part: held until it exists, then sent whole from the bytes Delivery already holds for the segment.
/// </remarks>
internal sealed class HlsResponder(HlsChannels channels, ObjectResponder objects, ObjectReader reader, CachePolicy cachePolicy, TimeProvider time)
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public async Task RespondAsync(HttpContext context)
    {
        // 1. Name
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ObjectPath.TryParse(rawTarget, out var path, out _) || HlsNames.Parse(path) is not { } request)
        {
            await objects.RespondAsync(context);
            return;
        }

        try
        {
            if (request.Kind == HlsRequestKind.Multivariant && await reader.ResolveAsync(path) is not null)
            {
                await objects.RespondAsync(context);
                return;
            }

            // 2. Channel
            var (channel, error) = await channels.GetAsync(request.Manifest);
            if (channel is null)
            {
                if (request.Kind == HlsRequestKind.Multivariant && await reader.ResolveAsync(request.Manifest) is null)
                {
                    // No MPD either: an .m3u8 the encoder may be about to upload, waited for like any object.
                    await objects.RespondAsync(context);
                    return;
                }

                await NotFoundAsync(context, $"no LL-HLS for {request.Manifest.Value}: {error}");
                return;
            }

            if (channel.Failure is { } failure)
            {
                await NotFoundAsync(context, $"no LL-HLS for {request.Manifest.Value}: {failure}");
                return;
            }

            switch (request.Kind)
            {
                case HlsRequestKind.Multivariant:
                    await WritePlaylistAsync(context, MultivariantPlaylistWriter.Write(channel.View, [.. channel.Followers.Select(f => f.Rendition)]));
                    break;
                case HlsRequestKind.MediaPlaylist:
                    await MediaPlaylistAsync(context, channel, request);
                    break;
                default:
                    await PartAsync(context, channel, request);
                    break;
            }
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = "1";
                await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "storage is unavailable");
            }
            else
            {
                context.Abort();
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    // 3. Media playlist
    private async Task MediaPlaylistAsync(HttpContext context, HlsChannel channel, HlsRequest request)
    {
        if (channel.Find(request.Rendition!) is not { } follower)
        {
            await NotFoundAsync(context, $"{request.Manifest.Value} has no rendition {request.Rendition}");
            return;
        }

        var directives = BlockingReload.TryParse(context.Request.Query, out var error);
        if (directives is null)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, error!);
            return;
        }

        var limit = PlaylistTiming.For(Snapshots(channel)).BlockingLimit;
        using var deadline = new CancellationTokenSource(limit, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);
        try
        {
            // A playlist with no part yet is of no use to a player: the first request waits for one, and for every
            // rendition's window before the live edge to be read (the rendition reports and timing come from them all).
            foreach (var rendition in channel.Followers)
            {
                var read = rendition.Snapshot();
                while (read.Failure is null && !read.Ready)
                {
                    await read.Changed.WaitAsync(waiting.Token);
                    read = rendition.Snapshot();
                }
            }

            var snapshot = follower.Snapshot();
            while (snapshot.Failure is null && snapshot.NextPartTime is null)
            {
                await snapshot.Changed.WaitAsync(waiting.Token);
                snapshot = follower.Snapshot();
            }

            var ended = channel.Presentation.IsStatic && snapshot.Last is { Complete: true };
            if (directives.Msn is { } msn && !ended)
            {
                if (msn > (snapshot.Last?.Number ?? 0) + 2)
                {
                    await ProblemAsync(context, StatusCodes.Status400BadRequest, $"_HLS_msn={msn} is more than 2 segments after the last one ({snapshot.Last?.Number})");
                    return;
                }

                while (snapshot.Failure is null && !snapshot.Holds(msn, directives.Part))
                {
                    await snapshot.Changed.WaitAsync(waiting.Token);
                    snapshot = follower.Snapshot();
                }
            }

            if (snapshot.Failure is { } failure)
            {
                await NotFoundAsync(context, $"no LL-HLS for {request.Manifest.Value}: {failure}");
                return;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Headers.RetryAfter = "1";
            await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, $"the playlist did not reach what was asked within {limit.TotalSeconds} s");
            return;
        }

        // Every rendition as it is now, so the reports and the timing agree with the rendition's own list.
        var all = Snapshots(channel);
        var own = all.First(s => s.Rendition.Id == follower.Rendition.Id);
        await WritePlaylistAsync(context, follower.Playlists.GetOrWrite(channel.View, own, all, directives.Skip));
    }

    // 4. Part
    private async Task PartAsync(HttpContext context, HlsChannel channel, HlsRequest request)
    {
        if (channel.Find(request.Rendition!) is not { } follower)
        {
            await NotFoundAsync(context, $"{request.Manifest.Value} has no rendition {request.Rendition}");
            return;
        }

        var limit = PlaylistTiming.For(Snapshots(channel)).BlockingLimit;
        using var deadline = new CancellationTokenSource(limit, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);
        var snapshot = follower.Snapshot();
        (HlsSegment Segment, CmafPart Part, SegmentBytes Bytes)? found;
        try
        {
            // A preload hint names the next part before it exists: held until it does, like a segment asked for early.
            while ((found = snapshot.FindPart(request.DecodeTime)) is null && snapshot.Failure is null && IsUpcoming(snapshot, request.DecodeTime, limit))
            {
                await snapshot.Changed.WaitAsync(waiting.Token);
                snapshot = follower.Snapshot();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            found = null;
        }

        if (found is not { } hit)
        {
            await NotFoundAsync(context, "no such part is stored");
            return;
        }

        var response = context.Response;
        response.ContentType = "video/mp4";
        response.ContentLength = hit.Part.Length;
        response.Headers.CacheControl = cachePolicy.ForCompleted(request.Manifest, ObjectKind.Media, limit * 2);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        foreach (var slice in hit.Bytes.Slice(hit.Part.Offset, hit.Part.Length))
        {
            var flush = await response.BodyWriter.WriteAsync(slice, context.RequestAborted);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>A part not there yet that may still come: at or after the next part's start, within the blocking limit.</summary>
    private static bool IsUpcoming(RenditionSnapshot snapshot, long decodeTime, TimeSpan limit) =>
        snapshot.NextPartTime is not { } next
        || (decodeTime >= next && decodeTime - next <= (long)(limit.TotalSeconds * snapshot.Track.Timescale));

    private static List<RenditionSnapshot> Snapshots(HlsChannel channel) => [.. channel.Followers.Select(f => f.Snapshot())];

    private Task WritePlaylistAsync(HttpContext context, string playlist) => WritePlaylistAsync(context, Encoding.UTF8.GetBytes(playlist));

    private async Task WritePlaylistAsync(HttpContext context, byte[] bytes)
    {
        var response = context.Response;
        response.ContentType = PlaylistType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = cachePolicy.ForCompleted(default, ObjectKind.Manifest, TimeSpan.Zero);
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private Task NotFoundAsync(HttpContext context, string detail) =>
        ProblemAsync(context, StatusCodes.Status404NotFound, detail);

    private Task ProblemAsync(HttpContext context, int status, string detail)
    {
        // Never remembered by a cache: the answer changes as the stream goes on.
        context.Response.Headers.CacheControl = cachePolicy.NotFound;
        return TypedResults.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
    }
}
