using CmafOrigin.Contracts.Paths;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Auth;

/// <summary>
/// Secure by default: outside the Development environment Ingest does not start with no credentials unless
/// anonymous ingest is switched on explicitly; and every credential must be complete.
/// </summary>
internal sealed class IngestAuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<IngestAuthOptions>
{
    public const string NoCredentialsMessage =
        "Ingest has no credentials configured, so anyone could publish. Configure Ingest:Auth:Credentials "
        + "(e.g. Ingest__Auth__Credentials__0__Prefix=live/studio-a/, ...__Username, ...__Password or ...__Token; see docs/security.md), "
        + "or set Ingest:Auth:AllowAnonymous=true to accept uploads from anyone.";

    public ValidateOptionsResult Validate(string? name, IngestAuthOptions options)
    {
        if (options.Credentials.Count == 0)
        {
            return options.AllowAnonymous || environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(NoCredentialsMessage);
        }

        var failures = new List<string>();
        for (var i = 0; i < options.Credentials.Count; i++)
        {
            var credential = options.Credentials[i];
            var at = $"Ingest:Auth:Credentials:{i}";
            if (!PathPrefix.TryParse(credential.Prefix, out _, out var prefixError))
            {
                failures.Add($"{at}:Prefix: {prefixError}");
            }

            var basic = !string.IsNullOrEmpty(credential.Username) || !string.IsNullOrEmpty(credential.Password);
            if (basic && (string.IsNullOrEmpty(credential.Username) || string.IsNullOrEmpty(credential.Password)))
            {
                failures.Add($"{at}: a Basic credential needs both Username and Password");
            }

            if (credential.Username?.Contains(':', StringComparison.Ordinal) == true)
            {
                failures.Add($"{at}:Username: HTTP Basic does not allow ':' in a user name");
            }

            if (!basic && string.IsNullOrEmpty(credential.Token))
            {
                failures.Add($"{at}: give Username and Password, or Token");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
