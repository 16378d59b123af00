namespace CmafOrigin.Ingest.Uploads;

/// <summary>The short, clear errors Ingest answers with (status codes after the DASH-IF ingest spec).</summary>
internal static class IngestProblems
{
    public static IResult Problem(HttpContext context, int status, string reason, ILogger logger)
    {
        UploadLog.Refused(logger, context.Request.Path.Value ?? string.Empty, status, reason);
        if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return TypedResults.Problem(detail: reason, statusCode: status);
    }
}
