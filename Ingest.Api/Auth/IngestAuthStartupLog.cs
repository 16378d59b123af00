namespace CmafOrigin.Ingest.Auth;

/// <summary>Says at startup who may publish, loudly when it is anyone.</summary>
internal sealed class IngestAuthStartupLog(IngestCredentials credentials, ILogger<IngestCredentials> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (credentials.AllowsAnyone)
        {
            IngestAuthLog.Anonymous(logger);
        }
        else
        {
            IngestAuthLog.CredentialsRequired(logger, credentials.Count, string.Join(", ", credentials.Prefixes));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
