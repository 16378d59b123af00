using Microsoft.AspNetCore.Builder;

namespace CmafOrigin.ServiceDefaults.Http;

public static class RequestGuardExtensions
{
    /// <summary>First in the pipeline: hostile paths and framing are refused before anything else runs; see <see cref="RequestGuard"/>.</summary>
    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestGuard>();
}
