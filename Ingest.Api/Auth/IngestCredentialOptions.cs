namespace CmafOrigin.Ingest.Auth;

/// <summary>One credential (<c>Ingest:Auth:Credentials:&lt;n&gt;</c>): what it grants and how an encoder proves it holds it.</summary>
public sealed class IngestCredentialOptions
{
    /// <summary>The paths it may write and delete, matched on whole segments: <c>live/studio-a/</c>, or <c>/</c> for every path.</summary>
    public string? Prefix { get; set; }

    /// <summary>HTTP Basic user name (ffmpeg: <c>http://user:password@host/...</c>); needs <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>HTTP Bearer token (ffmpeg: <c>-headers "Authorization: Bearer ..."</c>).</summary>
    public string? Token { get; set; }
}
