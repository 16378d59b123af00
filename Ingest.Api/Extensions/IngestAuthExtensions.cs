using CmafOrigin.Ingest.Auth;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Extensions;

internal static class IngestAuthExtensions
{
    /// <summary>Who may publish: credentials per path prefix (<c>Ingest:Auth</c>), checked before a body is read.</summary>
    public static IHostApplicationBuilder AddIngestAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestAuthOptions>().BindConfiguration(IngestAuthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestAuthOptions>, IngestAuthOptionsValidator>();
        builder.Services.AddSingleton<IngestCredentials>();
        builder.Services.AddSingleton<IngestAuthorization>();
        builder.Services.AddHostedService<IngestAuthStartupLog>();
        return builder;
    }
}
