using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Auth;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Uploads;
using Microsoft.AspNetCore.Http.Features;

namespace CmafOrigin.Ingest.Apis;

/// <summary>
/// The encoder-facing API: PUT or POST stores an object, DELETE removes it (DASH-IF Live Media Ingest); each only
/// with credentials granting the path (<see cref="IngestAuthorization"/>).
/// </summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{**path}", [HttpMethods.Put, HttpMethods.Post], UploadAsync).AddEndpointFilter<IngestAuthorization>();
        app.MapDelete("/{**path}", DeleteAsync).AddEndpointFilter<IngestAuthorization>();
        return app;
    }

    private static Task<IResult> UploadAsync(HttpContext context, UploadReceiver receiver) =>
        receiver.ReceiveAsync(context);

    private static async Task<IResult> DeleteAsync(HttpContext context, ObjectStore store, InitSegmentCopies initCopies, ILogger<ObjectStore> logger)
    {
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ObjectPath.TryParse(rawTarget, out var path, out var error))
        {
            return IngestProblems.Problem(context, StatusCodes.Status400BadRequest, error, logger);
        }

        // The encoder is done with it (ffmpeg's remove_at_exit): never put it back, even if the DELETE fails.
        initCopies.Forget(path);

        try
        {
            if (!await store.DeleteAsync(path))
            {
                return TypedResults.Problem(detail: "nothing is stored at this path", statusCode: StatusCodes.Status404NotFound);
            }
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            UploadLog.StorageFailed(logger, ex, path.Value);
            return IngestProblems.Problem(context, StatusCodes.Status503ServiceUnavailable, "storage is unavailable", logger);
        }

        UploadLog.Deleted(logger, path.Value);
        return TypedResults.Ok();
    }
}
