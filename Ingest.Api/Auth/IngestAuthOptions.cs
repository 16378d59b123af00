namespace CmafOrigin.Ingest.Auth;

/// <summary>Who may publish (section <c>Ingest:Auth</c>); see docs/security.md.</summary>
public sealed class IngestAuthOptions
{
    public const string SectionName = "Ingest:Auth";

    /// <summary>
    /// With no <see cref="Credentials"/>, let anyone upload and delete. Needed outside the Development environment,
    /// where Ingest refuses to start with no credentials otherwise. Ignored when credentials are configured.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The realm named in the <c>WWW-Authenticate</c> challenges of a 401.</summary>
    public string Realm { get; set; } = "CmafOrigin ingest";

    /// <summary>Each grants a path prefix to a Basic user and password, a Bearer token, or both.</summary>
    public List<IngestCredentialOptions> Credentials { get; set; } = [];
}
